import type { Db } from '../../db/connection.js'

export async function insertCustomerToken(
  db: Db,
  row: { user_id: number; token_hash: string; label: string; created_at: string; expires_at: string },
): Promise<number> {
  const { id } = await db.insertInto('customer_tokens').values(row).returning('id').executeTakeFirstOrThrow()
  return id
}

/** A token that is neither revoked nor expired, with its customer (who must still be a customer and not disabled). */
export async function selectLiveCustomerToken(db: Db, hash: string, now: string) {
  return db
    .selectFrom('customer_tokens')
    .innerJoin('users', 'users.id', 'customer_tokens.user_id')
    .select(['customer_tokens.id as tokenId', 'customer_tokens.last_used_at', 'users.id as userId'])
    .where('users.disabled_at', 'is', null)
    .where('users.role', '=', 'customer')
    .where('customer_tokens.token_hash', '=', hash)
    .where('customer_tokens.revoked_at', 'is', null)
    .where('customer_tokens.expires_at', '>', now)
    .executeTakeFirst()
}

export async function markCustomerTokenUsed(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('customer_tokens').set({ last_used_at: at }).where('id', '=', id).execute()
}

/** A customer's live tokens, newest first, for their devices page. */
export async function selectLiveCustomerTokens(db: Db, userId: number, now: string) {
  return db
    .selectFrom('customer_tokens')
    .select(['id', 'label', 'created_at', 'last_used_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .execute()
}

/** Revokes one of a customer's tokens (all of them without `id`); how many were revoked. */
export async function revokeCustomerTokenRows(db: Db, userId: number, at: string, id?: number): Promise<number> {
  let query = db
    .updateTable('customer_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
  if (id !== undefined) query = query.where('id', '=', id)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

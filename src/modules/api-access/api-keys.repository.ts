import type { Db } from '../../db/connection.js'

export async function insertApiKey(
  db: Db,
  row: {
    name: string
    key_prefix: string
    key_hash: string
    scopes: string
    created_by: number | null
    created_at: string
  },
) {
  return db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function selectLiveApiKeyByHash(db: Db, hash: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'scopes', 'created_by', 'last_used_at'])
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function selectApiKeys(db: Db) {
  return db.selectFrom('api_keys').selectAll().orderBy('revoked_at', 'desc').orderBy('id', 'desc').execute()
}

export async function selectApiKey(db: Db, id: number) {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markApiKeyUsed(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute()
}

/** Revokes a live key; false when there was none to revoke. */
export async function revokeApiKeyRow(db: Db, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

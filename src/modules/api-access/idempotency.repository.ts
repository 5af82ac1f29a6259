import type { Db } from '../../db/connection.js'

/** Claims a key for a request: the new row's id, or undefined when the key is already there (one statement, so one claim wins). */
export async function insertKeyClaim(
  db: Db,
  row: { scope: string; key: string; request_hash: string; created_at: string },
): Promise<number | undefined> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted?.id
}

export async function selectKey(db: Db, scope: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['id', 'request_hash', 'status_code', 'response', 'created_at'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst()
}

/**
 * Takes over a claim whose request was abandoned (its process stopped
 * before answering): only while it is still unanswered and still the claim
 * that was seen, so of several takers one wins.
 */
export async function takeOverKey(db: Db, id: number, seenAt: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ created_at: now })
    .where('id', '=', id)
    .where('status_code', 'is', null)
    .where('created_at', '=', seenAt)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function saveKeyAnswer(db: Db, id: number, statusCode: number, response: string): Promise<void> {
  await db.updateTable('idempotency_keys').set({ status_code: statusCode, response }).where('id', '=', id).execute()
}

/** Removes one row; with `createdAt`, only if it is still the row that was seen. */
export async function deleteKey(db: Db, id: number, createdAt?: string): Promise<void> {
  let query = db.deleteFrom('idempotency_keys').where('id', '=', id)
  if (createdAt !== undefined) query = query.where('created_at', '=', createdAt)
  await query.execute()
}

export async function deleteKeysBefore(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}

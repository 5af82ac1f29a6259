import { sql } from 'kysely'
import type { Db } from '../../db/connection.js'

/** Counts one request in a client's window and answers the count so far, in one statement every process shares. */
export async function countRequest(db: Db, key: string, windowStart: number): Promise<number> {
  const row = await db
    .insertInto('api_rate_limits')
    .values({ key, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`api_rate_limits.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow()
  return Number(row.hits)
}

export async function deleteWindowsBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('api_rate_limits').where('window_start', '<', before).execute()
}

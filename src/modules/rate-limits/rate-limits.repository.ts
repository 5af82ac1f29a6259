import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../../db/connection.js'

/**
 * Makes the transaction the only one counting this bucket and key until it
 * ends. SQLite needs nothing more: every transaction here begins IMMEDIATE and
 * holds the database's write lock. PostgreSQL lets two transactions count the
 * same rows at once, so there a transaction-scoped advisory lock on the pair
 * serialises them (two pairs hashing alike only wait for each other).
 */
export async function lockKey(trx: Db, bucket: string, key: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${bucket}\n${key}`}, 0))`.execute(trx)
}

/** How many hits a bucket has for a key since a moment. */
export async function countHitsSince(db: Db, bucket: string, key: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('rate_limit_hits')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('bucket', '=', bucket)
    .where('key', '=', key)
    .where('at', '>', since)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** When the hit after the first `skip` of those since a moment was taken, oldest first. */
export async function hitTimeSince(
  db: Db,
  bucket: string,
  key: string,
  since: string,
  skip: number,
): Promise<string | null> {
  const row = await db
    .selectFrom('rate_limit_hits')
    .select('at')
    .where('bucket', '=', bucket)
    .where('key', '=', key)
    .where('at', '>', since)
    .orderBy('at')
    .limit(1)
    .offset(skip)
    .executeTakeFirst()
  return row?.at ?? null
}

export async function insertHit(db: Db, row: { bucket: string; key: string; at: string }): Promise<number> {
  const { id } = await db.insertInto('rate_limit_hits').values(row).returning('id').executeTakeFirstOrThrow()
  return id
}

export async function deleteHit(db: Db, id: number): Promise<void> {
  await db.deleteFrom('rate_limit_hits').where('id', '=', id).execute()
}

export async function deleteHitsBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('rate_limit_hits').where('at', '<', before).execute()
}

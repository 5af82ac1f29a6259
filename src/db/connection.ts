import { Kysely, sql } from 'kysely'
import { connectFailureReason } from './dialect/unavailable.js'
import { describeDatabase, isPostgresUrl, type PoolOptions, postgresDialect } from './dialect/postgres.js'
import { sqliteDialect } from './dialect/sqlite.js'
import type { Database } from './schema.js'

export { openSqlite, withStatementCache } from './dialect/sqlite.js'
export { describeDatabase, isPostgresUrl } from './dialect/postgres.js'

/** The database or a transaction on it: repositories take either (a Transaction is a Kysely). */
export type Db = Kysely<Database>

/**
 * The shop's database: PostgreSQL for a postgres:// URL (a pool of `pool.size`
 * connections per process), otherwise the SQLite file at that path.
 */
export function createDb(database: string, pool?: PoolOptions): Db {
  return new Kysely<Database>({
    dialect: isPostgresUrl(database) ? postgresDialect(database, pool) : sqliteDialect(database),
  })
}

/**
 * Runs `fn` in a transaction of its own, or in the caller's when `db` already
 * is one: a service can then be used alone or as a step of a larger change
 * (SQLite has no nested BEGIN).
 */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn)
}

/** The database cannot be reached at boot: the message names DATABASE_URL and never its password. */
export class DatabaseUnreachableError extends Error {}

/** The cheapest question the database can answer: throws when it cannot (boot's check, /readyz). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db)
}

/** Fails fast, with one line a person can act on, when the configured database does not answer. */
export async function checkConnection(db: Db, database: string): Promise<void> {
  try {
    await ping(db)
  } catch (err) {
    const reason = connectFailureReason(err)
    throw new DatabaseUnreachableError(`DATABASE_URL: cannot use the database ${describeDatabase(database)}: ${reason}`)
  }
}

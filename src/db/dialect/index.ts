import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely'

/**
 * What differs between SQLite and PostgreSQL, in one place: repositories and
 * seeders call these instead of writing either database's own SQL.
 */

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/**
 * Checks foreign keys at commit instead of at each statement, for the rest
 * of the transaction: a bulk load may then write rows before the rows they
 * point to. On PostgreSQL only the keys declared DEFERRABLE wait (the
 * catalogue's; see the migration that made them so).
 */
export async function deferForeignKeys(trx: Kysely<any>): Promise<void> {
  if (isPostgres(trx)) await sql`SET CONSTRAINTS ALL DEFERRED`.execute(trx)
  else await sql`PRAGMA defer_foreign_keys = ON`.execute(trx)
}

/**
 * After rows were written with ids of their own choosing (a bulk load numbers
 * its rows), the next id the database gives must come after them. SQLite
 * takes max(rowid) + 1 by itself; a PostgreSQL identity column has a
 * sequence that must be moved on.
 */
export async function afterExplicitIds(db: Kysely<any>, tables: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return
  for (const table of tables) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.table(table)}), 0) + 1, false)`.execute(
      db,
    )
  }
}

/**
 * A subquery that picks rows for a process to claim (the outbox, the import
 * queue). On PostgreSQL the rows it picks are locked until the claiming
 * statement ends and rows another process is claiming are passed over (FOR
 * UPDATE SKIP LOCKED), so two workers never take the same row and never wait
 * on each other; SQLite lets one writer in at a time, so its single
 * statement needs nothing more.
 */
export function skipLocked<Q extends { forUpdate(): Q; skipLocked(): Q }>(db: Kysely<any>, query: Q): Q {
  return isPostgres(db) ? query.forUpdate().skipLocked() : query
}

/** An ISO 8601 UTC timestamp with milliseconds (as nowIso() writes them) from a number of seconds since 1970. */
export function isoFromEpochSeconds(db: Kysely<any>, seconds: RawBuilder<number>): RawBuilder<string> {
  if (isPostgres(db)) {
    return sql<string>`to_char(to_timestamp(${seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  }
  return sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`
}

/** 32 random hexadecimal digits, made by the database (bulk loads only: not for secrets). */
export function randomHex(db: Kysely<any>): RawBuilder<string> {
  if (isPostgres(db)) return sql<string>`md5(random()::text || clock_timestamp()::text)`
  return sql<string>`lower(hex(randomblob(16)))`
}

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from './schema.js'

/** The database or a transaction on it: repositories take either (a Transaction is a Kysely). */
export type Db = Kysely<Database>

/**
 * Opens the SQLite file with the pragmas a web server wants: WAL so readers
 * never wait for the writer, a busy timeout so a second process waits for the
 * lock instead of failing, and foreign keys enforced.
 */
export function openSqlite(filename: string): SQLite.Database {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true })
  const sqlite = new SQLite(filename)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return sqlite
}

export function createDb(filename: string): Db {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(filename) }) })
}

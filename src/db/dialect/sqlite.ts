import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
} from 'kysely'

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

/** How many distinct statements stay prepared; an app has a few hundred, generated IN-lists add more. */
const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely's SQLite driver prepares every statement on every query; preparing
 * costs about as much as running a simple indexed query. This keeps prepared
 * statements by their SQL text (least recently used dropped first). A
 * statement still iterating (a streamed query) is busy, so another caller
 * gets a fresh one.
 */
export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const cached = cache.get(sql)
      if (cached && !cached.busy) {
        cache.delete(sql)
        cache.set(sql, cached)
        return cached
      }
      const statement = sqlite.prepare(sql)
      if (!cached) {
        cache.set(sql, statement)
        if (cache.size > size) cache.delete(cache.keys().next().value as string)
      }
      return statement
    },
  }
}

/**
 * Every transaction here writes, so it takes the write lock when it begins
 * (BEGIN IMMEDIATE) and waits its turn under busy_timeout. A plain BEGIN
 * would read first and then try to upgrade; in WAL mode that upgrade fails
 * at once with SQLITE_BUSY when another process wrote in between, and no
 * timeout helps: two server processes taking the last units of stock would
 * turn into an error for one of them.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

export class ShopSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase) {
    super({ database })
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database })
  }
}

/** The dialect for one SQLite file (or ':memory:'). */
export function sqliteDialect(filename: string): Dialect {
  return new ShopSqliteDialect(withStatementCache(openSqlite(filename)))
}

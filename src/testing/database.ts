import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDb, type Db } from '../db/connection.js'
import { migrateToLatest } from '../db/migrator.js'
import type { Database } from '../db/schema.js'
import { createTestDatabase } from './postgres-server.js'

/** `TEST_DATABASE=postgres npm run test:unit` runs the suite on PostgreSQL; anything else, on SQLite. */
export const testingOnPostgres = process.env.TEST_DATABASE === 'postgres'

export interface TestDatabaseHandle {
  /** What DATABASE_URL would hold: a SQLite file path or a postgres:// URL. */
  database: string
  /** Removes the database (a SQLite file goes with its folder, which the caller removes). */
  drop(): Promise<void>
}

/** A fresh, empty database for one test shop: a file in `dir`, or a database of its own on the test PostgreSQL server. */
export async function freshTestDatabase(dir: string): Promise<TestDatabaseHandle> {
  if (testingOnPostgres) {
    // A copy of the migrated template the global setup made (its migrations then have nothing to do).
    const created = await createTestDatabase('shop', process.env.TEST_POSTGRES_TEMPLATE)
    return { database: created.url, drop: created.drop }
  }
  return { database: join(dir, 'shop.sqlite'), drop: async () => {} }
}

export interface OpenTestDb {
  db: Db
  /** The database's DATABASE_URL, to open more handles on it (as more processes would). */
  database: string
  /** Closes the handle and removes the database. */
  close(): Promise<void>
}

/** A fresh database (empty, or migrated when asked) with one handle on it, on SQLite or PostgreSQL as the run asks. */
export async function openTestDb(options: { migrated?: boolean } = {}): Promise<OpenTestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-db-'))
  const fresh = await freshTestDatabase(dir)
  const db = createDb(fresh.database)
  if (options.migrated) await migrateToLatest(db)
  return {
    db,
    database: fresh.database,
    async close() {
      await db.destroy()
      await fresh.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Empties tables, in the order given (rows that point at others first), between tests that share one shop. */
export async function emptyTables(db: Db, ...tables: (keyof Database)[]): Promise<void> {
  for (const table of tables) await db.deleteFrom(table).execute()
}

import { NO_MIGRATIONS, sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SQLITE_TABLES } from '../testing/schema-tables.js'
import { createDb, type Db } from './connection.js'
import { createMigrator, migrateToLatest } from './migrator.js'

async function tables(db: Db): Promise<string[]> {
  const rows = await sql<{
    name: string
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(
    db,
  )
  return rows.rows.map((r) => r.name)
}

describe('migrations', () => {
  let db: Db
  beforeEach(() => {
    db = createDb(':memory:')
  })
  afterEach(() => db.destroy())

  it('run up to the latest, and a second run has nothing to do', async () => {
    const first = await migrateToLatest(db)
    expect(first.results?.every((r) => r.status === 'Success')).toBe(true)
    expect(await tables(db)).toEqual(SQLITE_TABLES)
    expect((await migrateToLatest(db)).results).toEqual([])
  })

  it('run down to nothing and up again', async () => {
    await migrateToLatest(db)
    const migrator = createMigrator(db)
    const down = await migrator.migrateTo(NO_MIGRATIONS)
    expect(down.error).toBeUndefined()
    expect(await tables(db)).toEqual([])
    await migrateToLatest(db)
    expect(await tables(db)).toEqual(SQLITE_TABLES)
  })

  it('are named by timestamp so they run in the order they were written', async () => {
    const names = (await createMigrator(db).getMigrations()).map((m) => m.name)
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_-]+$/)
    expect([...names].sort()).toEqual(names)
  })
})

describe('the SQLite connection', () => {
  it('uses WAL, NORMAL sync, foreign keys and a busy timeout', async () => {
    const { openSqlite } = await import('./connection.js')
    const { mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const sqlite = openSqlite(join(mkdtempSync(join(tmpdir(), 'shopfront-db-')), 'a.sqlite'))
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(1)
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000)
    sqlite.close()
  })
})

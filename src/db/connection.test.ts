import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb, openSqlite } from './connection.js'
import { migrateToLatest } from './migrator.js'

describe('the SQLite connection', () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('takes the write lock when a transaction begins, so no later upgrade can fail in another process', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shopfront-conn-'))
    const file = join(dir, 'shop.sqlite')
    const db = createDb(file)
    await migrateToLatest(db)
    const other = openSqlite(file)
    other.pragma('busy_timeout = 0')
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let started = () => {}
    const begun = new Promise<void>((resolve) => {
      started = resolve
    })
    const transaction = db.transaction().execute(async (trx) => {
      // Only a read so far: a deferred BEGIN would not hold the write lock yet.
      await trx.selectFrom('settings').selectAll().execute()
      started()
      await held
    })
    await begun
    expect(() => other.prepare("insert into settings (key, value, updated_at) values ('k', '1', 'now')").run()).toThrow(
      /locked|busy/i,
    )
    release()
    await transaction
    other.prepare("insert into settings (key, value, updated_at) values ('k', '1', 'now')").run()
    other.close()
    await db.destroy()
  })
})

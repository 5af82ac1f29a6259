import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type OpenTestDb, openTestDb } from '../testing/database.js'
import { readCounter, VersionedCache } from './change-counters.js'
import { createDb, type Db } from './connection.js'

describe('change counters and the copies kept by them', () => {
  let handle: OpenTestDb
  let db: Db
  let other: Db
  beforeEach(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
    // A second handle on the same file: another server process.
    other = createDb(handle.database)
  })
  afterEach(async () => {
    await other.destroy()
    await handle.close()
  })

  it('counts every insert, update and delete of the data it covers, and nothing else', async () => {
    const settings = await readCounter(db, 'settings')
    const catalogue = await readCounter(db, 'catalogue')
    await other.insertInto('settings').values({ key: 'shopName', value: '"A"', updated_at: 'now' }).execute()
    await other.updateTable('settings').set({ value: '"B"' }).execute()
    await other.deleteFrom('settings').execute()
    expect(await readCounter(db, 'settings')).toBe(settings + 3)
    expect(await readCounter(db, 'catalogue')).toBe(catalogue)

    await other
      .insertInto('categories')
      .values({
        name: 'Mugs',
        slug: 'mugs',
        description: '',
        position: 0,
        parent_id: null,
        created_at: 'now',
        updated_at: 'now',
      })
      .execute()
    expect(await readCounter(db, 'catalogue')).toBe(catalogue + 1)
    await other
      .insertInto('sessions')
      .values({ id: 's', data: '{}', expires_at: 'later', updated_at: 'now', user_id: null, last_seen_at: null })
      .execute()
    expect(await readCounter(db, 'catalogue')).toBe(catalogue + 1)
    expect(await readCounter(db, 'settings')).toBe(settings + 3)
  })

  it('loads once per version, and afresh after a change made through another connection', async () => {
    const cache = new VersionedCache<string, number>('settings')
    let loads = 0
    const load = async () => ++loads
    expect(await cache.get(db, 'k', load)).toBe(1)
    expect(await cache.get(db, 'k', load)).toBe(1)
    await other.insertInto('settings').values({ key: 'shopName', value: '"A"', updated_at: 'now' }).execute()
    expect(await cache.get(db, 'k', load)).toBe(2)
    expect(await cache.get(db, 'k', load)).toBe(2)
  })

  it('keeps nothing loaded while the data changed under it', async () => {
    const cache = new VersionedCache<string, string>('settings')
    const racing = async () => {
      await other.insertInto('settings').values({ key: 'shopName', value: '"A"', updated_at: 'now' }).execute()
      return 'read before the change'
    }
    expect(await cache.get(db, 'k', racing)).toBe('read before the change')
    expect(await cache.get(db, 'k', async () => 'read after')).toBe('read after')
  })

  it('keeps a copy per database, and drops the least recently used key past its limit', async () => {
    const cache = new VersionedCache<string, string>('catalogue', 2)
    expect(await cache.get(db, 'a', async () => 'db')).toBe('db')
    expect(await cache.get(other, 'a', async () => 'other')).toBe('other')
    await cache.get(db, 'b', async () => 'b')
    await cache.get(db, 'a', async () => 'reloaded a')
    await cache.get(db, 'c', async () => 'c')
    expect(await cache.get(db, 'a', async () => 'reloaded a')).toBe('db')
    expect(await cache.get(db, 'b', async () => 'reloaded b')).toBe('reloaded b')
  })
})

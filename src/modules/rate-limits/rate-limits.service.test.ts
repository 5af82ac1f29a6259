import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { emptyTables, type OpenTestDb, openTestDb } from '../../testing/database.js'
import { runScript } from '../../testing/processes.js'
import { clientKey, giveSlotBack, HOUR_MS, type RateLimit, takeSlot } from './rate-limits.service.js'

const limit: RateLimit = { bucket: 'test_action', max: 3, windowMs: HOUR_MS }
const at = (iso: string) => new Date(iso)
const minutes = (n: number) => n * 60_000

describe('takeSlot', () => {
  let handle: OpenTestDb
  let db: Db
  beforeAll(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
  })
  beforeEach(() => emptyTables(db, 'rate_limit_hits'))
  afterAll(async () => {
    await handle.close()
  })

  const hits = () => db.selectFrom('rate_limit_hits').select(['bucket', 'key', 'at']).orderBy('id').execute()

  it('lets max actions through in the window, keeping a row for each, and refuses the next without writing', async () => {
    const now = at('2026-12-07T10:00:00.000Z')
    for (let i = 0; i < 3; i++) expect(await takeSlot(db, limit, '203.0.113.1', now)).toMatchObject({ allowed: true })
    expect(await hits()).toHaveLength(3)
    expect(await takeSlot(db, limit, '203.0.113.1', now)).toEqual({ allowed: false, retryAfterSeconds: 3600 })
    expect(await hits()).toHaveLength(3)
  })

  it('frees a slot when the oldest hit leaves the window, and says how many seconds until then', async () => {
    const start = at('2026-12-07T10:00:00.000Z')
    await takeSlot(db, limit, 'k', start)
    await takeSlot(db, limit, 'k', new Date(start.getTime() + minutes(10)))
    await takeSlot(db, limit, 'k', new Date(start.getTime() + minutes(20)))

    expect(await takeSlot(db, limit, 'k', new Date(start.getTime() + minutes(30)))).toEqual({
      allowed: false,
      retryAfterSeconds: 30 * 60,
    })
    // Half a second before the oldest leaves: still refused, and the wait is rounded up, never 0.
    expect(await takeSlot(db, limit, 'k', new Date(start.getTime() + HOUR_MS - 500))).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    })
    // The window slides: an hour after the first, one slot is free, and only one.
    const later = new Date(start.getTime() + HOUR_MS)
    expect(await takeSlot(db, limit, 'k', later)).toMatchObject({ allowed: true })
    expect(await takeSlot(db, limit, 'k', later)).toEqual({ allowed: false, retryAfterSeconds: 10 * 60 })
  })

  it('waits for enough hits to leave when there are more than max (the limit was lowered)', async () => {
    const start = at('2026-12-07T10:00:00.000Z')
    const generous = { ...limit, max: 5 }
    for (let i = 0; i < 5; i++) await takeSlot(db, generous, 'k', new Date(start.getTime() + minutes(i * 10)))
    // Five hits at :00, :10, :20, :30, :40; with a max of 3, a slot is free when the one at :20 leaves.
    expect(await takeSlot(db, limit, 'k', new Date(start.getTime() + minutes(45)))).toEqual({
      allowed: false,
      retryAfterSeconds: 35 * 60,
    })
  })

  it('counts each key and each bucket on its own', async () => {
    const now = at('2026-12-07T10:00:00.000Z')
    for (let i = 0; i < 3; i++) await takeSlot(db, limit, 'a@example.com', now)
    expect((await takeSlot(db, limit, 'a@example.com', now)).allowed).toBe(false)
    expect((await takeSlot(db, limit, 'b@example.com', now)).allowed).toBe(true)
    expect((await takeSlot(db, { ...limit, bucket: 'other_action' }, 'a@example.com', now)).allowed).toBe(true)
  })

  it('clears hits older than a day as it goes', async () => {
    await takeSlot(db, limit, 'old', at('2026-12-01T10:00:00.000Z'))
    await takeSlot(db, limit, 'new', at('2026-12-07T10:00:00.000Z'))
    expect((await hits()).map((h) => h.key)).toEqual(['new'])
  })

  it('refuses a limit whose window is longer than the hits are kept', () => {
    expect(() => takeSlot(db, { ...limit, windowMs: 48 * HOUR_MS }, 'k')).toThrow(/window/)
  })

  it('inside a transaction that fails, gives the slot back', async () => {
    const now = at('2026-12-07T10:00:00.000Z')
    await expect(
      db.transaction().execute(async (trx) => {
        expect(await takeSlot(trx, limit, 'k', now)).toMatchObject({ allowed: true })
        throw new Error('the limited work failed')
      }),
    ).rejects.toThrow('the limited work failed')
    expect(await hits()).toEqual([])
  })

  it('frees a slot given back, for work that was not done after all', async () => {
    const now = at('2026-12-07T10:00:00.000Z')
    const verdicts = []
    for (let i = 0; i < 3; i++) verdicts.push(await takeSlot(db, limit, 'k', now))
    const [first] = verdicts
    if (!first?.allowed) throw new Error('the first slot was refused')
    await giveSlotBack(db, first.hit)
    expect(await hits()).toHaveLength(2)
    expect(await takeSlot(db, limit, 'k', now)).toMatchObject({ allowed: true })
    expect((await takeSlot(db, limit, 'k', now)).allowed).toBe(false)
  })

  it('lets exactly max of 20 simultaneous calls through', async () => {
    const now = at('2026-12-07T10:00:00.000Z')
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => takeSlot(db, limit, 'k', now)))
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3)
    expect(await hits()).toHaveLength(3)
  })

  it('lets exactly max through when two processes take slots at once', async () => {
    // Two other processes on the same file, like two server processes, ten calls each, all at once.
    const outputs = await Promise.all(
      [1, 2].map(() => runScript('src/testing/take-slots-worker.ts', [handle.database, '10', '3'])),
    )
    const verdicts = outputs.flatMap((output) => JSON.parse(output) as unknown[])
    expect(verdicts).toHaveLength(20)
    expect(verdicts.filter((v) => v === true)).toHaveLength(3)
    expect(verdicts.filter((v) => v !== true && v !== false)).toEqual([])
    expect(await hits()).toHaveLength(3)
  }, 60_000)
})

describe('clientKey', () => {
  it('keeps an IPv4 address whole, however it is written', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::FFFF:cb00:7107')).toBe('203.0.113.7')
  })

  it('counts an IPv6 address by its /64, however it is written', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:0DB8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientKey('2001:db8:0:1::1')).not.toBe(clientKey('2001:db8::1'))
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64')
  })

  it('leaves anything else as it is', () => {
    expect(clientKey('unknown')).toBe('unknown')
  })
})

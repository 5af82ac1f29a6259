import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../db/connection.js'
import { migrateToLatest } from '../../db/migrator.js'
import { getShopSettings, updateShopSettings } from '../settings/settings.service.js'
import { seedDemo, seedDemoIfEmpty } from './demo.seed.js'
import { parseSeedArgs, UsageError } from './seed-args.js'

const mediaDir = join(tmpdir(), 'shopfront-seed-test-media')

describe('demo data', () => {
  let db: Db
  beforeEach(async () => {
    db = createDb(':memory:')
    await migrateToLatest(db)
  })
  afterEach(() => db.destroy())

  it('loads the demo shop, and running it twice leaves the same shop', async () => {
    await seedDemo(db, { mediaDir, sizes: { products: 0 } })
    const once = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()
    await seedDemo(db, { mediaDir, sizes: { products: 0 } })
    const twice = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()
    expect(twice).toEqual(once)
    expect((await getShopSettings(db)).shopName).toBe('Juniper & Pine')
  })

  it('loads only into a shop nobody has configured', async () => {
    await updateShopSettings(db, { shopName: 'A real shop' })
    expect(await seedDemoIfEmpty(db, { mediaDir })).toBe(false)
    expect((await getShopSettings(db)).tagline).toBe('')
  })
})

describe('parseSeedArgs', () => {
  it('gives every size its default and reads --products and --orders', () => {
    expect(parseSeedArgs([])).toEqual({ products: 60, orders: 0 })
    expect(parseSeedArgs(['--products', '100000', '--orders', '1000000'])).toEqual({
      products: 100000,
      orders: 1000000,
    })
    expect(() => parseSeedArgs(['--products', 'many'])).toThrow(/--products takes a whole number from 0 to 1,000,000/)
  })
  it('names an option no seeder declares, and the options there are', () => {
    expect(() => parseSeedArgs(['--nonsense', '5'])).toThrow(UsageError)
    expect(() => parseSeedArgs(['--nonsense', '5'])).toThrow(/Unknown option '--nonsense'/)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../db/connection.js'
import { migrateToLatest } from '../../db/migrator.js'
import { getShopSettings, updateShopSettings } from '../settings/settings.service.js'
import { seedDemo, seedDemoIfEmpty } from './demo.seed.js'
import { parseSeedArgs, UsageError } from './seed-args.js'

describe('demo data', () => {
  let db: Db
  beforeEach(async () => {
    db = createDb(':memory:')
    await migrateToLatest(db)
  })
  afterEach(() => db.destroy())

  it('loads the demo shop, and running it twice leaves the same shop', async () => {
    await seedDemo(db)
    const once = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()
    await seedDemo(db)
    const twice = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()
    expect(twice).toEqual(once)
    expect((await getShopSettings(db)).shopName).toBe('Juniper & Pine')
  })

  it('loads only into a shop nobody has configured', async () => {
    await updateShopSettings(db, { shopName: 'A real shop' })
    expect(await seedDemoIfEmpty(db)).toBe(false)
    expect((await getShopSettings(db)).tagline).toBe('')
  })
})

describe('parseSeedArgs', () => {
  it('takes no arguments', () => {
    expect(parseSeedArgs([])).toEqual({})
  })
  it('names an option no seeder declares, and the options there are', () => {
    expect(() => parseSeedArgs(['--nonsense', '5'])).toThrow(UsageError)
    expect(() => parseSeedArgs(['--nonsense', '5'])).toThrow(/Unknown option '--nonsense'/)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { type OpenTestDb, openTestDb } from '../../testing/database.js'
import { storeSettingValues } from '../../testing/settings.js'
import { getShopSettings, isUnconfigured, setMissingShopSettings, updateShopSettings } from './settings.service.js'

describe('shop settings', () => {
  let handle: OpenTestDb
  let db: Db
  beforeEach(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
  })
  afterEach(() => handle.close())

  it('has a default for every setting, so a new shop renders', async () => {
    expect(await isUnconfigured(db)).toBe(true)
    expect(await getShopSettings(db)).toMatchObject({ shopName: 'My Shop', currency: 'EUR', locale: 'en' })
  })

  it('stores and reads back changes', async () => {
    await updateShopSettings(db, { shopName: 'Fern', currency: 'USD' })
    await updateShopSettings(db, { shopName: 'Fern & Co' })
    expect(await getShopSettings(db)).toMatchObject({ shopName: 'Fern & Co', currency: 'USD' })
    expect(await isUnconfigured(db)).toBe(false)
  })

  it('refuses a value that breaks a rule, storing nothing', async () => {
    await expect(updateShopSettings(db, { currency: 'euro' })).rejects.toThrow()
    expect(await isUnconfigured(db)).toBe(true)
  })

  it('falls back to the default when a stored value no longer fits', async () => {
    await storeSettingValues(db, { currency: '"dollars"', shopName: 'not json', retiredSetting: '1' })
    expect(await getShopSettings(db)).toMatchObject({ currency: 'EUR', shopName: 'My Shop' })
  })

  it('sets missing settings without overwriting what the owner chose', async () => {
    await updateShopSettings(db, { shopName: 'Owner chose this' })
    await setMissingShopSettings(db, { shopName: 'Demo name', tagline: 'Demo tagline' })
    expect(await getShopSettings(db)).toMatchObject({ shopName: 'Owner chose this', tagline: 'Demo tagline' })
  })
})

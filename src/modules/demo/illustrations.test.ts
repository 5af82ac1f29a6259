import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { LocalMediaStorage } from '../../lib/media-storage/local.js'
import { type OpenTestDb, openTestDb } from '../../testing/database.js'
import { imageKey, imagePath } from '../images/images.js'
import { ILLUSTRATION_KINDS, illustrationPlan, illustrationSvg, seedIllustrations } from './illustrations.js'

describe('illustrationSvg', () => {
  it('draws the same picture for the same kind and variant, every time', () => {
    for (const kind of ILLUSTRATION_KINDS) {
      expect(illustrationSvg(kind, 5)).toBe(illustrationSvg(kind, 5))
    }
  })

  it('draws a different picture for each of the first 48 in the seeding plan, and beyond', () => {
    const svgs = illustrationPlan(48).map(({ kind, variant }) => illustrationSvg(kind, variant))
    expect(new Set(svgs).size).toBe(48)
    const many = illustrationPlan(400).map(({ kind, variant }) => illustrationSvg(kind, variant))
    expect(new Set(many).size).toBe(400)
  })

  it('spreads a plan over every kind evenly', () => {
    const kinds = illustrationPlan(16).map((item) => item.kind)
    for (const kind of ILLUSTRATION_KINDS) expect(kinds.filter((k) => k === kind)).toHaveLength(2)
  })

  it('is a 1200 × 1200 SVG that renders, with no text to depend on installed fonts', async () => {
    for (const kind of ILLUSTRATION_KINDS) {
      const svg = illustrationSvg(kind, 0)
      expect(svg).not.toContain('<text')
      const meta = await sharp(Buffer.from(svg)).metadata()
      expect(meta).toMatchObject({ format: 'svg', width: 1200, height: 1200 })
    }
  })

  it('refuses a kind it cannot draw', () => {
    expect(() => illustrationSvg('spaceship', 0)).toThrow(/no illustration of kind spaceship/)
    expect(() => illustrationSvg('mug', -1)).toThrow(/whole number/)
  })
})

describe('seedIllustrations', () => {
  let handle: OpenTestDb
  let db: Db
  beforeAll(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
  })
  afterAll(async () => {
    await handle.close()
  })

  it('stores and records each illustration once, and gives the same rows when run again', async () => {
    const mediaDir = join(mkdtempSync(join(tmpdir(), 'shopfront-illustrations-')), 'media')
    const media = new LocalMediaStorage(mediaDir)
    let ticks = 0
    const first = await seedIllustrations(db, media, 10, { tick: () => ticks++, done() {} })
    expect(ticks).toBe(10)
    expect(first.map((image) => image.kind)).toEqual(illustrationPlan(10).map((item) => item.kind))
    expect(new Set(first.map((image) => image.id)).size).toBe(10)

    const rows = await db.selectFrom('images').selectAll().orderBy('id').execute()
    expect(rows).toHaveLength(10)
    const mug = rows.find((row) => row.key === imageKey(Buffer.from(illustrationSvg('mug', 0))))
    expect(mug).toMatchObject({ width: 1200, height: 1200, widths: '[320,640,1200]' })
    const data = await sharp(join(mediaDir, imagePath(mug?.key ?? '', 640, 'webp'))).metadata()
    expect(data).toMatchObject({ width: 640, height: 640 })

    const again = await seedIllustrations(db, media, 12)
    expect(again.slice(0, 10)).toEqual(first)
    expect(await db.selectFrom('images').select('id').execute()).toHaveLength(12)
  })
})

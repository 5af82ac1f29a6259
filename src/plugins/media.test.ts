import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imageUrl, type StoredImage, storeImage } from '../modules/images/images.js'
import { buildTestApp, type TestShop } from '../testing/app.js'

describe('stored images at /media/', () => {
  let shop: TestShop
  let image: StoredImage
  beforeAll(async () => {
    shop = await buildTestApp({}, { seed: false })
    const input = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#7a9' } })
      .jpeg()
      .toBuffer()
    image = await storeImage(shop.media, input)
  })
  afterAll(() => shop.close())

  it('keeps each test shop’s images in a folder of its own', () => {
    expect(shop.config.media).toEqual({ storage: 'local', dir: expect.stringMatching(/shopfront-test-[^/]+\/media$/) })
  })

  it('serves a stored file with its type and a year of immutable caching, usable by other sites', async () => {
    const webp = await shop.app.inject({ url: imageUrl(image.key, 640, 'webp') })
    expect(webp.statusCode).toBe(200)
    expect(webp.headers['content-type']).toBe('image/webp')
    expect(webp.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(webp.headers['cross-origin-resource-policy']).toBe('cross-origin')
    expect(webp.headers['x-content-type-options']).toBe('nosniff')
    expect(webp.headers['set-cookie']).toBeUndefined()
    expect((await sharp(webp.rawPayload).metadata()).width).toBe(640)

    const jpg = await shop.app.inject({
      url: imageUrl(image.key, 320, 'jpg'),
      headers: { 'accept-encoding': 'br, gzip' },
    })
    expect(jpg.statusCode).toBe(200)
    expect(jpg.headers['content-type']).toBe('image/jpeg')
    // Already compressed: sent as it is.
    expect(jpg.headers['content-encoding']).toBeUndefined()
  })

  it('answers a browser that already holds the file with 304', async () => {
    const url = imageUrl(image.key, 320, 'webp')
    const first = await shop.app.inject({ url })
    const again = await shop.app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
  })

  it('answers HEAD without a body', async () => {
    const response = await shop.app.inject({ method: 'HEAD', url: imageUrl(image.key, 640, 'jpg') })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/jpeg')
    expect(response.body).toBe('')
  })

  it('answers 404 for a file that is not there, and not cached for long', async () => {
    const response = await shop.app.inject({ url: imageUrl(image.key, 1200, 'webp') })
    expect(response.statusCode).toBe(404)
    expect(response.headers['cache-control']).toBe('no-cache')
  })

  it('answers 404 for a path that climbs out of the folder, a dotfile or a folder', async () => {
    const folder = image.key.slice(0, 2)
    if (shop.config.media.storage !== 'local') throw new Error('this test writes into the local folder')
    writeFileSync(join(shop.config.media.dir, folder, '.secret'), 'not for anyone')
    for (const url of [
      '/media/../package.json',
      '/media/..%2f..%2fpackage.json',
      '/media/%2e%2e/%2e%2e/package.json',
      `/media/${folder}/../../shop.sqlite`,
      `/media/${folder}/%2e%2e/%2e%2e/shop.sqlite`,
      '/media/..\\..\\package.json',
      `/media/${folder}/.secret`,
      `/media/${folder}/%2esecret`,
      `/media/${folder}`,
      `/media/${folder}/`,
      `/media//${folder}/${image.key}-320.jpg`,
      '/media/',
      '/media',
    ]) {
      const response = await shop.app.inject({ url })
      expect(response.statusCode, url).toBe(404)
      expect(response.body, url).not.toContain('not for anyone')
    }
  })

  it('refuses an unknown Host like every other page', async () => {
    const response = await shop.app.inject({ url: imageUrl(image.key, 640, 'webp'), headers: { host: 'evil.example' } })
    expect(response.statusCode).toBe(400)
  })
})

import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../app.js'
import { createMediaStorage, MediaStorageError } from '../lib/media-storage/index.js'
import { IMAGE_WIDTHS, imagePath, imageUrl, type StoredImage, storeImage } from '../modules/images/images.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { freePort } from '../testing/free-port.js'
import { startTestS3, type TestS3 } from '../testing/s3.js'

const photo = (width: number, height: number, colour: string) =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer()

const allFiles = (key: string) =>
  IMAGE_WIDTHS.flatMap((width) => (['webp', 'jpg'] as const).map((format) => imagePath(key, width, format))).sort()

describe('product images in an S3 bucket', () => {
  let s3: TestS3
  let shop: TestShop
  let image: StoredImage
  beforeAll(async () => {
    s3 = await startTestS3()
    shop = await buildTestApp({ media: s3.config() }, { seed: false })
    image = await storeImage(shop.media, await photo(2000, 1500, '#7a9'))
  })
  afterAll(async () => {
    await shop?.close()
    await s3?.stop()
  })

  it('puts every width in both formats into the bucket, each with its type and a year of caching', async () => {
    expect(shop.media.description).toBe(`the S3 bucket shop-images at ${s3.endpoint}`)
    expect(await s3.keys()).toEqual(allFiles(image.key))
    for (const format of ['webp', 'jpg'] as const) {
      const object = await s3.client.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: imagePath(image.key, 1200, format) }),
      )
      expect(object.ContentType).toBe(format === 'webp' ? 'image/webp' : 'image/jpeg')
      expect(object.CacheControl).toBe('public, max-age=31536000, immutable')
      const stored = await sharp(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).metadata()
      expect(stored).toMatchObject({ format: format === 'webp' ? 'webp' : 'jpeg', width: 1200, height: 900 })
    }
  })

  it('writes nothing when the same bytes are stored again, and only what is missing when a file is gone', async () => {
    const input = await photo(2000, 1500, '#7a9')
    const put = vi.spyOn(shop.media, 'put')
    try {
      expect(await storeImage(shop.media, input)).toEqual(image)
      expect(put).not.toHaveBeenCalled()
      expect(await s3.keys()).toEqual(allFiles(image.key))
    } finally {
      put.mockRestore()
    }
  })

  it('serves a picture from the bucket at /media/ with the same headers and bytes as from the folder', async () => {
    const path = imagePath(image.key, 640, 'webp')
    const response = await shop.app.inject({
      url: imageUrl(image.key, 640, 'webp'),
      headers: { 'accept-encoding': 'br, gzip' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/webp')
    // Already compressed: sent as it is.
    expect(response.headers['content-encoding']).toBeUndefined()
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['set-cookie']).toBeUndefined()
    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: path }))
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? [])
    expect(response.rawPayload.equals(bytes)).toBe(true)
    expect(response.headers['content-length']).toBe(String(bytes.length))
    expect(response.headers.etag).toBe(object.ETag)
    expect((await sharp(response.rawPayload).metadata()).width).toBe(640)
  })

  it('answers HEAD from the object’s facts, without a body', async () => {
    const response = await shop.app.inject({ method: 'HEAD', url: imageUrl(image.key, 320, 'jpg') })
    const object = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: imagePath(image.key, 320, 'jpg') }),
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/jpeg')
    expect(response.headers['content-length']).toBe(String(object.ContentLength))
    expect(response.headers.etag).toBe(object.ETag)
    expect(response.body).toBe('')
  })

  it('answers a browser that already holds the picture with 304', async () => {
    const url = imageUrl(image.key, 320, 'webp')
    const first = await shop.app.inject({ url })
    const again = await shop.app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
  })

  it('answers 404, not cached for long, for an object that is not in the bucket', async () => {
    const response = await shop.app.inject({ url: imageUrl('ffffffffffffffffffffffffffffffff', 640, 'webp') })
    expect(response.statusCode).toBe(404)
    expect(response.headers['cache-control']).toBe('no-cache')
  })

  it('answers 404 for an odd path without asking the bucket', async () => {
    const get = vi.spyOn(shop.media, 'get')
    const head = vi.spyOn(shop.media, 'head')
    try {
      for (const url of [
        '/media/../package.json',
        '/media/%2e%2e/x.jpg',
        `/media/${image.key.slice(0, 2)}/.x`,
        '/media/',
      ]) {
        expect((await shop.app.inject({ url })).statusCode, url).toBe(404)
      }
      expect(get).not.toHaveBeenCalled()
      expect(head).not.toHaveBeenCalled()
    } finally {
      get.mockRestore()
      head.mockRestore()
    }
  })

  it('shares the pictures between app processes: a second app on the same bucket serves what the first stored', async () => {
    const other = await buildApp(shop.config)
    try {
      const response = await other.inject({ url: imageUrl(image.key, 1200, 'jpg') })
      expect(response.statusCode).toBe(200)
      expect((await sharp(response.rawPayload).metadata()).width).toBe(1200)
    } finally {
      await other.close()
    }
  })

  it.each([
    ['cannot be reached', async () => ({ endpoint: `http://127.0.0.1:${await freePort()}` }), /ECONNREFUSED/],
    ['has no such bucket', async () => ({ bucket: 'no-such-bucket' }), /NoSuchBucket/],
    ['refuses the key', async () => ({ accessKeyId: 'NOT-A-KEY' }), /InvalidAccessKeyId/],
  ])('answers 503 with Retry-After, never 500 or the reason, when the store %s', async (_case, broken, reason) => {
    const lines: string[] = []
    const app = await buildApp(
      { ...shop.config, logLevel: 'error', media: s3.config(await broken()) },
      { logStream: { write: (line) => lines.push(line) } },
    )
    try {
      const response = await app.inject({ url: imageUrl(image.key, 640, 'webp') })
      expect(response.statusCode).toBe(503)
      expect(response.headers['retry-after']).toBe('5')
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.body).toBe('The picture cannot be fetched right now. Try again in a moment.')
      // The reason is logged, for whoever runs the shop.
      expect(lines.map((line) => JSON.parse(line))).toMatchObject([
        { msg: 'the image store could not be read', err: { type: 'MediaStorageError', message: reason } },
      ])
    } finally {
      await app.close()
    }
  })

  it('reports a refused write as the store’s failure, whatever the picture', async () => {
    for (const overrides of [{ bucket: 'no-such-bucket' }, { accessKeyId: 'NOT-A-KEY' }]) {
      const broken = await createMediaStorage(s3.config({ ...overrides, secretAccessKey: 'never-in-a-message' }))
      try {
        const attempt = storeImage(broken, await photo(400, 300, '#c33'))
        await expect(attempt).rejects.toBeInstanceOf(MediaStorageError)
        await expect(attempt).rejects.toThrow(/^could not write .+ \((NoSuchBucket|InvalidAccessKeyId): /)
        await expect(attempt).rejects.not.toThrow(/never-in-a-message/)
      } finally {
        await broken.close()
      }
    }
    expect(await s3.keys()).toEqual(allFiles(image.key))
  })
})

describe('the demo shop on an S3 bucket', () => {
  let s3: TestS3
  let shop: TestShop
  beforeAll(async () => {
    s3 = await startTestS3('demo-images')
    // One product is enough for the demo's drawings to be made (eight of them).
    shop = await buildTestApp({ media: s3.config() }, { products: 1 })
  })
  afterAll(async () => {
    await shop?.close()
    await s3?.stop()
  })

  it('seeds its pictures into the bucket, and the shop serves them from there', async () => {
    const images = await shop.db.selectFrom('images').select(['key', 'widths']).execute()
    expect(images.length).toBeGreaterThanOrEqual(8)
    const keys = await s3.keys()
    for (const { key, widths } of images) {
      for (const width of JSON.parse(widths) as number[]) {
        expect(keys).toContain(imagePath(key, width, 'webp'))
        expect(keys).toContain(imagePath(key, width, 'jpg'))
      }
    }
    const first = images[0] as { key: string }
    expect((await shop.app.inject({ url: imageUrl(first.key, 320, 'webp') })).statusCode).toBe(200)
  })
})

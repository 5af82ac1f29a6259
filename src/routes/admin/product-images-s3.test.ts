import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../../app.js'
import type { S3MediaConfig } from '../../config.js'
import { MediaStorageError } from '../../lib/media-storage/index.js'
import { imageKey, imagePath } from '../../modules/images/images.js'
import { type StaffSession, staffSession } from '../../testing/admin.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestProduct } from '../../testing/catalogue.js'
import { freePort } from '../../testing/free-port.js'
import { htmlErrors } from '../../testing/html.js'
import { csrfTokenIn } from '../../testing/http.js'
import { postMultipart, type UploadFile } from '../../testing/multipart.js'
import { startTestS3, type TestS3 } from '../../testing/s3.js'

const png = (red: number) =>
  sharp({ create: { width: 400, height: 300, channels: 3, background: { r: red, g: 120, b: 60 } } })
    .png()
    .toBuffer()

const file = (filename: string, content: Buffer): UploadFile => ({
  field: 'images',
  filename,
  content,
  type: 'image/png',
})

describe('uploading product pictures to an S3 bucket', () => {
  let s3: TestS3
  beforeAll(async () => {
    s3 = await startTestS3()
  })
  afterAll(() => s3?.stop())

  let shop: TestShop
  let staff: StaffSession
  let productId: number
  let log: string[]
  /** The shop on the bucket as `media` says, its log kept; a staff member signed in, and a product. */
  async function open(media: Partial<S3MediaConfig> = {}) {
    shop = await buildTestApp({ media: s3.config(media), logLevel: 'error' })
    log = []
    await shop.app.close()
    shop.app = await buildApp(shop.config, { mediaStorage: shop.media, logStream: { write: (line) => log.push(line) } })
    staff = await staffSession(shop)
    productId = await createTestProduct(shop.db, { title: 'Linen Napkin' })
  }
  afterEach(() => shop?.close())

  const upload = async (files: UploadFile[]) => {
    const token = csrfTokenIn((await staff.get('/contact')).body) ?? ''
    return postMultipart(shop.app, `/admin/products/${productId}/images`, { _csrf: token, alt: 'A napkin' }, files, {
      cookie: staff.cookie,
    })
  }
  const rows = async () => ({
    productImages: await shop.db
      .selectFrom('product_images')
      .select('id')
      .where('product_id', '=', productId)
      .execute(),
    images: await shop.db.selectFrom('images').select('key').execute(),
  })

  it('stores the pictures in the bucket and attaches them', async () => {
    await open()
    const response = await upload([file('front.png', await png(10)), file('back.png', await png(200))])
    expect(response.statusCode).toBe(303)
    const { productImages, images } = await rows()
    expect(productImages).toHaveLength(2)
    const keys = await s3.keys()
    for (const { key } of images) {
      expect(keys).toContain(imagePath(key, 320, 'webp'))
      expect(keys).toContain(imagePath(key, 320, 'jpg'))
    }
    expect(log).toEqual([])
  })

  it.each([
    ['has no such bucket', async () => ({ bucket: 'no-such-bucket' }), /NoSuchBucket/],
    ['refuses the access key', async () => ({ accessKeyId: 'NOT-A-KEY' }), /InvalidAccessKeyId/],
    ['cannot be reached', async () => ({ endpoint: `http://127.0.0.1:${await freePort()}` }), /ECONNREFUSED/],
  ])(
    'when the store %s, says so on the images page with 503, adds nothing, and logs why',
    async (_case, broken, reason) => {
      await open({ ...(await broken()), secretAccessKey: 'never-shown-to-anyone' })
      const before = await s3.keys()
      const response = await upload([file('front.png', await png(30)), file('back.png', await png(230))])

      expect(response.statusCode).toBe(503)
      expect(response.headers['retry-after']).toBe('5')
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.body).toContain(
        'The pictures could not be saved to the image store. Nothing was added; try again in a moment.',
      )
      expect(response.body).toContain('value="A napkin"')
      expect(await htmlErrors(response.body)).toEqual([])
      for (const detail of [reason, /never-shown-to-anyone/, /MediaStorageError/, /\bat .+\.ts:\d+/, /127\.0\.0\.1/]) {
        expect(response.body).not.toMatch(detail)
      }
      expect(await rows()).toEqual({ productImages: [], images: [] })
      expect(await s3.keys()).toEqual(before)

      const logged = log.map((line) => JSON.parse(line))
      expect(logged).toMatchObject([
        {
          msg: 'uploaded pictures could not be saved to the image store',
          err: { type: 'MediaStorageError', message: reason },
        },
      ])
      expect(log.join('')).not.toContain('never-shown-to-anyone')
    },
  )

  it('attaches none of an upload whose second picture the store refuses, and takes it whole once the store is back', async () => {
    await open()
    const front = await png(90)
    const back = await png(190)
    const put = shop.media.put.bind(shop.media)
    // The store takes the first picture's files and refuses the second's, as one that fills up or goes away might.
    const spy = vi.spyOn(shop.media, 'put').mockImplementation(async (path, bytes, type) => {
      if (!path.includes(imageKey(front))) throw new MediaStorageError(`could not write ${path} (store full)`)
      return put(path, bytes, type)
    })
    const refused = await upload([file('front.png', front), file('back.png', back)])
    expect(refused.statusCode).toBe(503)
    expect(await rows()).toEqual({ productImages: [], images: [] })
    // The first picture's files were stored (named by their content, they harm nothing); the second's were not.
    expect(await s3.keys()).toContain(imagePath(imageKey(front), 320, 'webp'))
    expect(await s3.keys()).not.toContain(imagePath(imageKey(back), 320, 'webp'))

    spy.mockRestore()
    const again = await upload([file('front.png', front), file('back.png', back)])
    expect(again.statusCode).toBe(303)
    expect((await rows()).productImages).toHaveLength(2)
    expect(await s3.keys()).toContain(imagePath(imageKey(back), 320, 'webp'))
  })

  it('says “the picture” for a single file', async () => {
    await open({ bucket: 'no-such-bucket' })
    const response = await upload([file('front.png', await png(60))])
    expect(response.statusCode).toBe(503)
    expect(response.body).toContain(
      'The picture could not be saved to the image store. Nothing was added; try again in a moment.',
    )
    expect((await rows()).productImages).toEqual([])
  })
})

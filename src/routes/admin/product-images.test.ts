import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { imagePath, imageUrl, storeImage } from '../../modules/images/images.js'
import { saveImage } from '../../modules/images/images.repository.js'
import { MAX_FILE_BYTES } from '../../modules/images/product-images.forms.js'
import { MAX_IMAGES_PER_PRODUCT } from '../../modules/images/product-images.service.js'
import { type StaffSession, staffSession } from '../../testing/admin.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { attachImage, createTestProduct } from '../../testing/catalogue.js'
import { htmlErrors } from '../../testing/html.js'
import { csrfTokenIn, SAME_ORIGIN } from '../../testing/http.js'
import { multipartBody, postMultipart, type UploadFile } from '../../testing/multipart.js'

/** A plain picture of one colour; each colour is a different file, so a different stored image. */
const png = (red: number, size = { width: 400, height: 300 }) =>
  sharp({ create: { ...size, channels: 3, background: { r: red, g: 120, b: 60 } } })
    .png()
    .toBuffer()

const file = (filename: string, content: Buffer, type = 'image/png'): UploadFile => ({
  field: 'images',
  filename,
  content,
  type,
})

describe('product pictures in the back office', () => {
  let shop: TestShop
  let staff: StaffSession
  let productId: number
  beforeEach(async () => {
    shop = await buildTestApp()
    staff = await staffSession(shop)
    productId = await createTestProduct(shop.db, { title: 'Linen Napkin' })
  })
  afterEach(() => shop.close())

  const token = async () => csrfTokenIn((await staff.get('/contact')).body) ?? ''
  /** Posts the upload form as a browser does: the token first, then the alt text, then the files. */
  const upload = async (files: UploadFile[], fields: Record<string, string> = { alt: 'A folded napkin' }) =>
    postMultipart(shop.app, `/admin/products/${productId}/images`, { _csrf: await token(), ...fields }, files, {
      cookie: staff.cookie,
    })
  const attached = () =>
    shop.db
      .selectFrom('product_images as pi')
      .innerJoin('images as i', 'i.id', 'pi.image_id')
      .select(['pi.id', 'pi.alt', 'pi.position', 'i.key'])
      .where('pi.product_id', '=', productId)
      .orderBy('pi.position')
      .execute()
  const updatedAt = async () =>
    (await shop.db.selectFrom('products').select('updated_at').where('id', '=', productId).executeTakeFirstOrThrow())
      .updated_at
  const activity = (action: string) =>
    shop.db.selectFrom('activity_log').selectAll().where('action', '=', action).orderBy('id').execute()
  /** Pictures attached straight in the database, for the tests that start with some. */
  type Row = Awaited<ReturnType<typeof attached>>[number]
  const attach = async (count: number): Promise<Row[]> => {
    for (let i = 0; i < count; i++) {
      const image = await saveImage(shop.db, await storeImage(shop.media, await png(i, { width: 8, height: 8 })))
      await attachImage(shop.db, { product_id: productId, image_id: image.id, position: i, alt: `Picture ${i + 1}` })
    }
    return attached()
  }

  it('uploads several pictures at once, in order, with the alt text, and the shop shows them at once', async () => {
    const before = await updatedAt()
    const page = await staff.get(`/admin/products/${productId}/images`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('enctype="multipart/form-data"')
    expect(page.body).toContain('accept="image/jpeg,image/png,image/webp,image/avif"')
    expect(await htmlErrors(page.body)).toEqual([])
    // The shop's page is cached before the upload: the change must reach it all the same.
    expect((await shop.app.inject({ url: '/products/linen-napkin' })).statusCode).toBe(200)

    const response = await upload([
      file('front.png', await png(10)),
      file(
        'back.jpg',
        await sharp(await png(200))
          .jpeg()
          .toBuffer(),
        'image/jpeg',
      ),
    ])
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/admin/products/${productId}/images`)
    const rows = await attached()
    expect(rows.map((r) => [r.position, r.alt])).toEqual([
      [0, 'A folded napkin'],
      [1, 'A folded napkin'],
    ])
    for (const { key } of rows) {
      for (const format of ['webp', 'jpg'] as const) {
        expect(await shop.media.has(imagePath(key, 320, format))).toBe(true)
      }
    }
    expect(await updatedAt()).not.toBe(before)
    expect(await activity('product.images_added')).toMatchObject([
      {
        actor_user_id: staff.user.id,
        subject_type: 'product',
        subject_id: productId,
        summary: 'Added 2 pictures to Linen Napkin',
      },
    ])

    const list = await staff.get(`/admin/products/${productId}/images`)
    expect(list.body).toContain('The 2 pictures are added.')
    expect(list.body).toContain(imageUrl(rows[0]?.key as string, 320, 'webp'))
    expect(await htmlErrors(list.body)).toEqual([])
    const shopPage = await shop.app.inject({ url: '/products/linen-napkin' })
    const first = shopPage.body.indexOf(imageUrl(rows[0]?.key as string, 320, 'webp'))
    const second = shopPage.body.indexOf(imageUrl(rows[1]?.key as string, 320, 'webp'))
    expect(first).toBeGreaterThan(-1)
    expect(second).toBeGreaterThan(first)
    expect(shopPage.body).toContain('alt="A folded napkin"')
  })

  it('refuses an SVG and an HTML page named .jpg, naming the file, and attaches none of the upload', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    )
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>')
    for (const [bad, name] of [
      [file('drawing.svg', svg, 'image/svg+xml'), 'drawing.svg'],
      [file('photo.jpg', html, 'image/jpeg'), 'photo.jpg'],
    ] as const) {
      const response = await upload([file('good.png', await png(30)), bad])
      expect(response.statusCode, name).toBe(422)
      expect(response.body).toContain(`“${name}”: This file is not a picture the shop can`)
      expect(response.body).toContain('Nothing was uploaded.')
      expect(response.body).not.toContain('<script>alert')
      expect(await htmlErrors(response.body)).toEqual([])
    }
    const both = await upload([file('drawing.svg', svg), file('photo.jpg', html)])
    expect(both.statusCode).toBe(422)
    expect(both.body).toContain('2 of the files cannot be used, so nothing was uploaded.')
    expect(both.body).toContain('“drawing.svg”')
    expect(both.body).toContain('“photo.jpg”')
    expect(await htmlErrors(both.body)).toEqual([])
    expect(await attached()).toEqual([])
    expect(await activity('product.images_added')).toEqual([])
  })

  it('refuses a file over the size limit, as it arrives, and stores nothing', async () => {
    const response = await upload([
      file('small.png', await png(40)),
      file('huge.png', Buffer.alloc(MAX_FILE_BYTES + 1)),
    ])
    expect(response.statusCode).toBe(413)
    expect(response.body).toContain('“huge.png” is larger than 10 MB')
    expect(response.body).toContain('value="A folded napkin"')
    expect(await htmlErrors(response.body)).toEqual([])
    expect(await attached()).toEqual([])
  })

  it('refuses more than ten files at a time, and more pictures than a product may have', async () => {
    const eleven = await Promise.all(Array.from({ length: 11 }, async (_, i) => file(`p${i}.png`, await png(i))))
    const tooMany = await upload(eleven)
    expect(tooMany.statusCode).toBe(413)
    expect(tooMany.body).toContain('Upload at most 10 pictures at a time')
    expect(await attached()).toEqual([])

    await attach(MAX_IMAGES_PER_PRODUCT - 1)
    const over = await upload([file('a.png', await png(100)), file('b.png', await png(101))])
    expect(over.statusCode).toBe(422)
    expect(over.body).toContain('A product can have at most 20 pictures. This one has 19, so upload at most 1 more.')
    expect(await attached()).toHaveLength(MAX_IMAGES_PER_PRODUCT - 1)
    expect((await upload([file('a.png', await png(100))])).statusCode).toBe(303)
    const full = await staff.get(`/admin/products/${productId}/images`)
    expect(full.body).toContain('This product has 20 pictures, the most it can have.')
    expect(full.body).not.toContain('type="file"')
  })

  it('requires the alt text and at least one file, keeping what was typed and attaching nothing', async () => {
    const missingAlt = await upload([file('a.png', await png(50))], { alt: '   ' })
    expect(missingAlt.statusCode).toBe(422)
    expect(missingAlt.body).toContain('Describe the picture for people who cannot see it (the alt text)')
    expect(await htmlErrors(missingAlt.body)).toEqual([])
    const tooLong = await upload([file('a.png', await png(50))], { alt: 'x'.repeat(251) })
    expect(tooLong.statusCode).toBe(422)
    expect(tooLong.body).toContain('Keep the alt text to 250 characters')
    // A browser sends an empty file part for a file input left empty.
    const noFile = await upload([file('', Buffer.alloc(0), 'application/octet-stream')], { alt: 'A napkin' })
    expect(noFile.statusCode).toBe(422)
    expect(noFile.body).toContain('Choose one or more pictures to upload')
    expect(noFile.body).toContain('value="A napkin"')
    // Not multipart at all: the same answer, never a 500.
    const plain = await staff.post(`/admin/products/${productId}/images`, { alt: 'A napkin' })
    expect(plain.statusCode).toBe(422)
    expect(plain.body).toContain('Choose one or more pictures to upload')
    expect(await attached()).toEqual([])
  })

  it('refuses a picture the product already has, or the same one twice', async () => {
    const picture = await png(60)
    expect((await upload([file('a.png', picture)])).statusCode).toBe(303)
    const again = await upload([file('again.png', picture)])
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('“again.png” is already one of this product’s pictures.')
    const twice = await upload([file('one.png', await png(61)), file('two.png', await png(61))])
    expect(twice.statusCode).toBe(422)
    expect(twice.body).toContain('“two.png” is the same picture as “one.png”.')
    expect(await attached()).toHaveLength(1)
  })

  it('refuses an upload without the form token, or with a wrong one, before reading its files', async () => {
    const files = [file('a.png', await png(70))]
    // Once a page has given the session a token, every form of that session must carry it.
    const valid = await token()
    for (const fields of [{ alt: 'A napkin' }, { _csrf: 'not-the-token', alt: 'A napkin' }] as Record<
      string,
      string
    >[]) {
      const response = await postMultipart(shop.app, `/admin/products/${productId}/images`, fields, files, {
        cookie: staff.cookie,
      })
      expect(response.statusCode).toBe(403)
    }
    // The token in the query string is not taken: a token in a URL ends up in histories and logs.
    const inQuery = await postMultipart(
      shop.app,
      `/admin/products/${productId}/images?_csrf=${encodeURIComponent(valid)}`,
      { alt: 'A napkin' },
      files,
      { cookie: staff.cookie },
    )
    expect(inQuery.statusCode).toBe(403)
    // Nor after the files: it must be read before any file is.
    const { payload, contentType } = multipartBody({ alt: 'A napkin' }, files, { _csrf: valid })
    const afterFiles = await shop.app.inject({
      method: 'POST',
      url: `/admin/products/${productId}/images`,
      payload,
      headers: { 'content-type': contentType, cookie: staff.cookie, origin: SAME_ORIGIN },
    })
    expect(afterFiles.statusCode).toBe(403)
    expect(await attached()).toEqual([])
  })

  it('answers a malformed upload with 400, and an unknown product with 404', async () => {
    // Cut short inside the file, as when a connection drops: the token was read, the file never ends.
    const { payload, contentType } = multipartBody({ _csrf: await token(), alt: 'A napkin' }, [
      file('a.png', await png(90)),
    ])
    const broken = await shop.app.inject({
      method: 'POST',
      url: `/admin/products/${productId}/images`,
      payload: payload.subarray(0, payload.length - 100),
      headers: { 'content-type': contentType, cookie: staff.cookie, origin: SAME_ORIGIN },
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.body).toContain('The upload could not be read; nothing was uploaded.')
    expect(await attached()).toEqual([])
    expect((await staff.get('/admin/products/99999/images')).statusCode).toBe(404)
    const missing = await postMultipart(
      shop.app,
      '/admin/products/99999/images',
      { _csrf: await token(), alt: 'A napkin' },
      [file('a.png', await png(80))],
      { cookie: staff.cookie },
    )
    expect(missing.statusCode).toBe(404)
    for (const url of ['/admin/product-images/99999/removal']) expect((await staff.get(url)).statusCode).toBe(404)
    for (const url of ['/admin/product-images/99999', '/admin/product-images/99999/removal']) {
      expect((await staff.post(url, { alt: 'x', direction: 'up' })).statusCode).toBe(404)
    }
    expect((await staff.post('/admin/product-images/99999/position', { direction: 'up' })).statusCode).toBe(404)
  })

  it('moves a picture up or down, the first being the cover on product cards', async () => {
    const [a, b, c] = (await attach(3)) as [Row, Row, Row]
    const moved = await staff.post(`/admin/product-images/${c.id}/position`, { direction: 'up' })
    expect(moved.statusCode).toBe(303)
    expect(moved.headers.location).toBe(`/admin/products/${productId}/images#image-${c.id}`)
    expect((await attached()).map((r) => r.id)).toEqual([a.id, c.id, b.id])
    await staff.post(`/admin/product-images/${c.id}/position`, { direction: 'up' })
    expect((await attached()).map((r) => [r.id, r.position])).toEqual([
      [c.id, 0],
      [a.id, 1],
      [b.id, 2],
    ])
    // Already first: nothing changes, nothing is logged.
    await staff.post(`/admin/product-images/${c.id}/position`, { direction: 'up' })
    expect((await attached()).map((r) => r.id)).toEqual([c.id, a.id, b.id])
    expect(await activity('product.image_moved')).toHaveLength(2)
    const list = await shop.app.inject({ url: '/products' })
    expect(list.body).toContain('alt="Picture 3"')

    const wrong = await staff.post(`/admin/product-images/${a.id}/position`, { direction: 'sideways' })
    expect(wrong.statusCode).toBe(303)
    expect((await staff.get(`/admin/products/${productId}/images`)).body).toContain('Move a picture up or down.')
    expect((await attached()).map((r) => r.id)).toEqual([c.id, a.id, b.id])
  })

  it('changes a picture’s alt text, logged before → after, and refuses an empty or long one', async () => {
    const [image] = (await attach(1)) as [Row]
    const saved = await staff.post(`/admin/product-images/${image.id}`, { alt: '  Napkin, unfolded  ' })
    expect(saved.statusCode).toBe(303)
    expect((await attached())[0]?.alt).toBe('Napkin, unfolded')
    const [entry] = await activity('product.image_updated')
    expect(JSON.parse(entry?.changes ?? '{}')).toEqual({ alt: ['Picture 1', 'Napkin, unfolded'] })
    expect((await shop.app.inject({ url: '/products/linen-napkin' })).body).toContain('alt="Napkin, unfolded"')

    for (const [alt, message] of [
      ['', 'Describe the picture for people who cannot see it (the alt text)'],
      ['y'.repeat(251), 'Keep the alt text to 250 characters'],
    ] as const) {
      const response = await staff.post(`/admin/product-images/${image.id}`, { alt })
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain(`href="#f-alt-${image.id}"`)
      expect(await htmlErrors(response.body)).toEqual([])
    }
    expect((await attached())[0]?.alt).toBe('Napkin, unfolded')
  })

  it('removes a picture after asking, keeping the stored image, and the next becomes the cover', async () => {
    const [first, second] = (await attach(2)) as [Row, Row]
    const confirm = await staff.get(`/admin/product-images/${first.id}/removal`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Remove picture 1 of Linen Napkin?')
    expect(confirm.body).toContain(`action="/admin/product-images/${first.id}/removal"`)
    expect(await htmlErrors(confirm.body)).toEqual([])
    // Asking changes nothing.
    expect(await attached()).toHaveLength(2)

    const removed = await staff.post(`/admin/product-images/${first.id}/removal`)
    expect(removed.statusCode).toBe(303)
    expect(removed.headers.location).toBe(`/admin/products/${productId}/images`)
    expect((await attached()).map((r) => [r.id, r.position])).toEqual([[second.id, 0]])
    expect(
      await shop.db.selectFrom('images').select('id').where('key', '=', first.key).executeTakeFirst(),
    ).toBeDefined()
    expect(await activity('product.image_removed')).toMatchObject([
      { summary: 'Removed picture 1 (“Picture 1”) from Linen Napkin' },
    ])
    expect((await staff.get(`/admin/products/${productId}/images`)).body).toContain(
      'The picture is removed from the product.',
    )
    expect((await staff.post(`/admin/product-images/${first.id}/removal`)).statusCode).toBe(404)
  })
})

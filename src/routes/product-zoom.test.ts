import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertProductImage } from '../modules/catalogue/catalogue.repository.js'
import { storeImage } from '../modules/images/images.js'
import { saveImage } from '../modules/images/images.repository.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createTestProduct } from '../testing/catalogue.js'
import { htmlErrors } from '../testing/html.js'

/** A plain picture `width` × `height` pixels, as a PNG. */
function png(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer()
}

describe('a product’s picture opens larger', () => {
  let shop: TestShop
  const slugs: Record<string, string> = {}
  const keys: Record<string, string> = {}
  beforeAll(async () => {
    shop = await buildTestApp()
    for (const [title, width, colour] of [
      ['Large Print', 1600, '#3b6d57'],
      ['Small Print', 800, '#b4532a'],
    ] as const) {
      const id = await createTestProduct(shop.db, { title })
      const image = await saveImage(
        shop.db,
        await storeImage(shop.media, await png(width, (width * 3) / 4, colour), { quick: true }),
      )
      await insertProductImage(shop.db, { product_id: id, image_id: image.id, position: 0, alt: `${title} on a wall` })
      const row = await shop.db.selectFrom('products').select('slug').where('id', '=', id).executeTakeFirstOrThrow()
      slugs[title] = row.slug
      keys[title] = image.key
    }
  })
  afterAll(() => shop.close())

  it('wraps the main picture in a link to its 1200 px JPEG, which the shop serves', async () => {
    const response = await shop.app.inject({ url: `/products/${slugs['Large Print']}` })
    expect(response.statusCode).toBe(200)
    const key = keys['Large Print'] ?? ''
    const large = `/media/${key.slice(0, 2)}/${key}-1200.jpg`
    const link = response.body.match(/<a class="product-zoom" href="([^"]+)" data-lightbox>([\s\S]*?)<\/a>/)
    expect(link?.[1]).toBe(large)
    expect(link?.[2]).toContain('<picture>')
    expect(link?.[2]).toContain('alt="Large Print on a wall"')
    expect(link?.[2]).toContain('View larger picture')
    expect(await htmlErrors(response.body, '/products/large-print')).toEqual([])

    const file = await shop.app.inject({ url: large })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('image/jpeg')
    expect(await sharp(file.rawPayload).metadata()).toMatchObject({ format: 'jpeg', width: 1200, height: 900 })
  })

  it('links a picture smaller than 1200 px to the largest file it has', async () => {
    const response = await shop.app.inject({ url: `/products/${slugs['Small Print']}` })
    const key = keys['Small Print'] ?? ''
    expect(response.body).toContain(
      `<a class="product-zoom" href="/media/${key.slice(0, 2)}/${key}-640.jpg" data-lightbox>`,
    )
  })

  it('has no link where there is no picture', async () => {
    await createTestProduct(shop.db, { title: 'Bare Print' })
    const response = await shop.app.inject({ url: '/products/bare-print' })
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('data-lightbox')
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestProduct } from '../../testing/catalogue.js'
import { placeTestOrder } from '../../testing/orders.js'
import { cancelOrder } from '../orders/order-changes.js'

describe('the order emails', () => {
  let shop: TestShop
  beforeEach(async () => {
    shop = await buildTestApp({}, { seed: true })
    await createTestProduct(shop.db, { title: 'Heather Mug', variants: [{ sku: 'MUG', price: 1800, stock: 5 }] })
  })
  afterEach(() => shop.close())

  const emails = (template: string) =>
    shop.db.selectFrom('outbox_emails').select(['html', 'text']).where('template', '=', template).execute()

  it('end the delivery address with the country’s name, in both parts', async () => {
    const variant = (await shop.db.selectFrom('variants').select('id').executeTakeFirstOrThrow()).id
    await placeTestOrder(shop.db, variant, { token: 'a' })
    const [email] = await emails('order-confirmation')
    expect(email?.html).toContain('<br>Bristol BS1 4DJ<br>United Kingdom</p>')
    expect(email?.html).not.toMatch(/<br>GB<\/p>/)
    expect(email?.text).toMatch(/Bristol BS1 4DJ\nUnited Kingdom\n/)
  })

  it('let a link written out in full break anywhere, so it wraps on a phone instead of widening the email', async () => {
    const variant = (await shop.db.selectFrom('variants').select('id').executeTakeFirstOrThrow()).id
    const order = await placeTestOrder(shop.db, variant, { token: 'b' })
    await cancelOrder(shop.db, order.id, { reason: 'Out of clay', baseUrl: 'http://localhost' })
    for (const template of ['order-confirmation', 'order-cancelled']) {
      const [email] = await emails(template)
      const html = email?.html ?? ''
      // The card every email's content sits in wraps a word too long for it (break-word, not anywhere,
      // which would let a table squeeze its amounts onto two lines).
      expect(html, template).toMatch(/<div style="[^"]*overflow-wrap:break-word;[^"]*">/)
      expect(html, template).not.toContain('overflow-wrap:anywhere;word-break:break-word')
      const written = [...html.matchAll(/<a href="[^"]*"( style="[^"]*")?>http[^<]*<\/a>/g)]
      expect(written.length, template).toBeGreaterThan(0)
      for (const [link, style] of written) expect(style, link).toContain('word-break:break-all')
    }
  })
})

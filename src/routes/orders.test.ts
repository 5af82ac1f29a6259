import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createTestVariant } from '../testing/catalogue.js'
import { placeTestOrder } from '../testing/orders.js'

describe('an order behind its link', () => {
  let shop: TestShop
  beforeEach(async () => {
    shop = await buildTestApp()
  })
  afterEach(() => shop.close())

  it('answers a wrong or unknown order link with a 404 that no cache keeps', async () => {
    const unknown = 'not-a-real-order-token-at-all'
    for (const url of [
      `/orders/${unknown}`,
      '/orders/short',
      `/orders/${unknown}?payment=done`,
      `/orders/${unknown}/payment`,
      `/orders/${unknown}/invoice.pdf`,
    ]) {
      const response = await shop.app.inject({ url })
      expect(response.statusCode, url).toBe(404)
      expect(response.headers['cache-control'], url).toBe('private, no-store')
      expect(response.body, url).toContain('<h1>Page not found</h1>')
    }
  })

  it('answers every order path private, no-store: the page, its payment step and a missing invoice', async () => {
    const variant = await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 5 })
    const order = await placeTestOrder(shop.db, variant.id, { token: 'checkout-1' })
    const page = await shop.app.inject({ url: `/orders/${order.access_token}` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('private, no-store')
    // Paid by bank transfer: nothing to pay on a provider's page, so back to the order.
    const payment = await shop.app.inject({ url: `/orders/${order.access_token}/payment` })
    expect(payment.statusCode).toBe(303)
    expect(payment.headers['cache-control']).toBe('private, no-store')
    // Not paid yet, so no invoice.
    const invoice = await shop.app.inject({ url: `/orders/${order.access_token}/invoice.pdf` })
    expect(invoice.statusCode).toBe(404)
    expect(invoice.headers['cache-control']).toBe('private, no-store')
  })

  it('leaves other pages’ 404s to the usual rule: a shared cache may keep one briefly', async () => {
    const response = await shop.app.inject({ url: '/products/no-such-product' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['cache-control']).toBe('public, max-age=0, s-maxage=60')
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { seedDemo } from './demo.seed.js'

describe('the orders seeder', () => {
  let shop: TestShop
  beforeAll(async () => {
    // Seeded here, with the bench's orders from the start: a shop that has them gets no demo orders.
    shop = await buildTestApp({}, { seed: false })
    await seedDemo(shop.db, {
      media: shop.media,
      scrypt: shop.config.passwordHashing,
      sizes: { products: 12, orders: 1200 },
    })
  })
  afterAll(() => shop.close())

  it('makes the orders asked for, oldest first, numbered on from #1001, and a second run adds none', async () => {
    const rows = await shop.db.selectFrom('orders').select(['id', 'number', 'placed_at']).orderBy('id').execute()
    expect(rows).toHaveLength(1200)
    expect(rows[0]?.number).toBe(1001)
    expect(
      rows.every(
        (r, i) => i === 0 || (r.number > (rows[i - 1]?.number ?? 0) && r.placed_at >= (rows[i - 1]?.placed_at ?? '')),
      ),
    ).toBe(true)
    await seedDemo(shop.db, {
      media: shop.media,
      scrypt: shop.config.passwordHashing,
      sizes: { products: 12, orders: 1200 },
    })
    expect(await shop.db.selectFrom('orders').select('id').execute()).toHaveLength(1200)
  })

  it('makes orders whose figures add up, by the shop’s own rules', async () => {
    const orders = await shop.db.selectFrom('orders').selectAll().execute()
    const lines = await shop.db.selectFrom('order_lines').selectAll().execute()
    const byOrder = new Map<number, typeof lines>()
    for (const line of lines) byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), line])
    for (const o of orders) {
      const own = byOrder.get(o.id) ?? []
      expect(own.length).toBeGreaterThan(0)
      expect(own.reduce((n, l) => n + l.total, 0)).toBe(o.subtotal)
      expect(o.subtotal + o.shipping_total - o.discount_total).toBe(o.total)
      expect(own.reduce((n, l) => n + l.tax, 0) + Math.floor((o.shipping_total + 3) / 6)).toBe(o.tax_total)
      for (const l of own) expect(l.unit_price * l.quantity).toBe(l.subtotal)
    }
  })

  it('numbers the invoices of paid orders without gaps and keeps the daily sales in step', async () => {
    const paid = await shop.db
      .selectFrom('orders')
      .select('invoice_number')
      .where('invoice_number', 'is not', null)
      .orderBy('invoice_number')
      .execute()
    expect(paid.map((p) => p.invoice_number)).toEqual(paid.map((_, i) => i + 1))
    const unpaidWithInvoice = await shop.db
      .selectFrom('orders')
      .select('id')
      .where('payment_status', '=', 'pending')
      .where('invoice_number', 'is not', null)
      .execute()
    expect(unpaidWithInvoice).toEqual([])
    const live = await shop.db
      .selectFrom('orders')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('total').as('sum')])
      .where('cancelled_at', 'is', null)
      .executeTakeFirstOrThrow()
    const summary = await shop.db
      .selectFrom('sales_daily')
      .select((eb) => [eb.fn.sum<number>('orders').as('n'), eb.fn.sum<number>('sales').as('sum')])
      .executeTakeFirstOrThrow()
    expect(Number(summary.n)).toBe(Number(live.n))
    expect(Number(summary.sum)).toBe(Number(live.sum))
    const cancelledPaid = await shop.db
      .selectFrom('orders')
      .select('id')
      .where('cancelled_at', 'is not', null)
      .where('payment_status', '!=', 'pending')
      .execute()
    expect(cancelledPaid).toEqual([])
  })
})

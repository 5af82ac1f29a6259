import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestVariant } from '../../testing/catalogue.js'
import { changeOrders, OFFLINE_PAYMENTS, placeTestOrder } from '../../testing/orders.js'
import { runScript } from '../../testing/processes.js'
import type { PaymentMethod } from '../payments/payment-methods.js'
import { cancelOrder, markOrderPaid } from './order-changes.js'
import { runOrderJobs } from './order-jobs.js'

const DAY = 24 * 60 * 60 * 1000

describe('cancelling orders and the order jobs', () => {
  let shop: TestShop
  let variant: number
  beforeEach(async () => {
    shop = await buildTestApp()
    variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 10 })).id
  })
  afterEach(() => shop.close())

  const stock = async () => (await shop.db.selectFrom('variants').select('stock').executeTakeFirstOrThrow()).stock
  const emails = (template: string) =>
    shop.db.selectFrom('outbox_emails').selectAll().where('template', '=', template).execute()

  async function order(token: string, options: { quantity?: number; daysAgo?: number; payment?: PaymentMethod } = {}) {
    const placed = await placeTestOrder(shop.db, variant, {
      token,
      quantity: options.quantity ?? 2,
      details: { paymentMethod: options.payment ?? 'bank_transfer' },
    })
    const placedAt = new Date(Date.now() - (options.daysAgo ?? 0) * DAY).toISOString()
    await changeOrders(shop.db, { placed_at: placedAt }, placed.id)
    return placed
  }

  it('cancels an unsent order: stock returns, the customer is told, and it cannot be cancelled twice', async () => {
    const placed = await order('c1', { quantity: 3 })
    expect(await stock()).toBe(7)
    expect(await cancelOrder(shop.db, placed.id, { reason: 'You asked us to.', baseUrl: 'http://localhost' })).toEqual({
      kind: 'cancelled',
    })
    expect(await stock()).toBe(10)
    const [mail] = await emails('order-cancelled')
    expect(mail?.subject).toBe(`Your order #${placed.number} at Juniper & Pine is cancelled`)
    expect(mail?.text).toContain('You asked us to.')
    expect(await cancelOrder(shop.db, placed.id, { reason: 'again', baseUrl: 'http://localhost' })).toMatchObject({
      kind: 'refused',
    })
    expect(await stock()).toBe(10)
    const sent = await order('c2')
    await changeOrders(shop.db, { fulfilment_status: 'fulfilled' }, sent.id)
    expect(await cancelOrder(shop.db, sent.id, { reason: 'late', baseUrl: 'http://localhost' })).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('has been sent'),
    })
    expect(await stock()).toBe(8)
  })

  it('reminds an unpaid bank transfer after 3 days, once, and cancels it after 7, returning the stock', async () => {
    const fresh = await order('fresh', { daysAgo: 1 })
    const late = await order('late', { daysAgo: 4 })
    const later = await order('later', { daysAgo: 8 })
    const paid = await order('paid', { daysAgo: 8 })
    await changeOrders(shop.db, { payment_status: 'paid' }, paid.id)
    const pickup = await order('pickup', { daysAgo: 8, payment: 'pay_on_pickup' })
    expect(await stock()).toBe(0)

    expect(
      await runOrderJobs(shop.db, {
        now: new Date(),
        baseUrl: 'http://localhost',
        payments: OFFLINE_PAYMENTS,
        log: console,
      }),
    ).toEqual({
      reminded: 1,
      cancelled: 1,
      refunds: 0,
    })
    expect(
      await runOrderJobs(shop.db, {
        now: new Date(),
        baseUrl: 'http://localhost',
        payments: OFFLINE_PAYMENTS,
        log: console,
      }),
    ).toEqual({
      reminded: 0,
      cancelled: 0,
      refunds: 0,
    })

    const reminders = await emails('payment-reminder')
    expect(reminders).toHaveLength(1)
    expect(reminders[0]?.subject).toContain(`order #${late.number}`)
    expect(reminders[0]?.text).toContain('Sort code 04-00-04')
    const cancelled = await shop.db.selectFrom('orders').select(['id']).where('cancelled_at', 'is not', null).execute()
    expect(cancelled.map((o) => o.id)).toEqual([later.id])
    expect(await stock()).toBe(2)
    for (const untouched of [fresh, paid, pickup]) {
      const row = await shop.db
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', untouched.id)
        .executeTakeFirstOrThrow()
      expect(row.cancelled_at).toBeNull()
      expect(row.payment_reminded_at).toBeNull()
    }
  })

  it('reminds and cancels each order once when three worker processes run the jobs at the same moment', {
    timeout: 60_000,
  }, async () => {
    const late = [await order('late-1', { daysAgo: 4 }), await order('late-2', { daysAgo: 5 })]
    const later = [await order('later-1', { daysAgo: 8 }), await order('later-2', { daysAgo: 9 })]
    expect(await stock()).toBe(2)
    // Three other processes on the shop's database, as `npm run worker` run three times would be.
    const outputs = await Promise.all(
      [1, 2, 3].map(() => runScript('src/testing/order-jobs-worker.ts', [shop.config.database])),
    )
    const runs = outputs.map((output) => JSON.parse(output) as { reminded: number; cancelled: number })
    expect(runs.reduce((sum, r) => sum + r.reminded, 0)).toBe(2)
    expect(runs.reduce((sum, r) => sum + r.cancelled, 0)).toBe(2)
    const reminders = (await emails('payment-reminder')).map((m) => m.subject)
    expect(reminders).toHaveLength(2)
    for (const o of late) expect(reminders.filter((s) => s.includes(`order #${o.number}`))).toHaveLength(1)
    expect(await emails('order-cancelled')).toHaveLength(2)
    const cancelled = await shop.db.selectFrom('orders').select('id').where('cancelled_at', 'is not', null).execute()
    expect(cancelled.map((o) => o.id).sort()).toEqual(later.map((o) => o.id).sort())
    expect(await stock()).toBe(6)
  })

  it('marks an order paid with the next invoice number, once, and offers its invoice as a PDF', async () => {
    const first = await order('p1')
    const second = await order('p2')
    const cancelled = await order('p3')
    await cancelOrder(shop.db, cancelled.id, { reason: 'asked', baseUrl: 'http://localhost' })
    const before = await shop.app.inject({ url: `/orders/${first.access_token}/invoice.pdf` })
    expect(before.statusCode).toBe(404)

    expect(await markOrderPaid(shop.db, second.id, { baseUrl: 'http://localhost' })).toEqual({ kind: 'paid' })
    expect(await markOrderPaid(shop.db, first.id, { baseUrl: 'http://localhost' })).toEqual({ kind: 'paid' })
    expect(await markOrderPaid(shop.db, first.id, { baseUrl: 'http://localhost' })).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('already paid'),
    })
    expect(await markOrderPaid(shop.db, cancelled.id, { baseUrl: 'http://localhost' })).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('cancelled'),
    })
    const numbers = await shop.db
      .selectFrom('orders')
      .select(['id', 'invoice_number', 'payment_status'])
      .orderBy('id')
      .execute()
    expect(numbers).toEqual([
      { id: first.id, invoice_number: 2, payment_status: 'paid' },
      { id: second.id, invoice_number: 1, payment_status: 'paid' },
      { id: cancelled.id, invoice_number: null, payment_status: 'pending' },
    ])
    expect((await emails('payment-received')).map((m) => m.subject)).toEqual([
      `Payment received for order #${second.number} at Juniper & Pine`,
      `Payment received for order #${first.number} at Juniper & Pine`,
    ])

    const pdf = await shop.app.inject({ url: `/orders/${first.access_token}/invoice.pdf` })
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="invoice-INV-000002.pdf"')
    expect(pdf.headers['cache-control']).toBe('private, no-store')
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.rawPayload.toString('latin1')).toContain('Invoice INV-000002')
    const page = await shop.app.inject({ url: `/orders/${first.access_token}` })
    expect(page.body).toContain(`href="/orders/${first.access_token}/invoice.pdf"`)
  })
})

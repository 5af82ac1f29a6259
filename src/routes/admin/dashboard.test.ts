import { describe, expect } from 'vitest'
import { CHART, niceStep, salesChart } from '../../modules/dashboard/dashboard.service.js'
import { cancelOrder, markOrderPaid } from '../../modules/orders/order-changes.js'
import { createTestVariant } from '../../testing/catalogue.js'
import { emptyTables } from '../../testing/database.js'
import { shopTest as it } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'
import { changeOrders, changeRefunds, createRefund, placeTestOrder, rebuildSalesSummary } from '../../testing/orders.js'

describe('the dashboard', () => {
  it('adds up today, 7 and 30 days from the daily summary, less cancelled orders, and lists what needs doing', async ({
    shop,
    staff: { cookie },
  }) => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1000, stock: 8 })).id
    const today = await placeTestOrder(shop.db, variant, { token: 't' })
    const pickup = await placeTestOrder(shop.db, variant, { token: 'p', details: { paymentMethod: 'pay_on_pickup' } })
    const cancelled = await placeTestOrder(shop.db, variant, { token: 'c' })
    const old = await placeTestOrder(shop.db, variant, { token: 'o' })
    await cancelOrder(shop.db, cancelled.id, { reason: 'test', baseUrl: 'http://localhost' })
    // An order from ten days ago, placed then: the summary is kept by day of placing.
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString()
    await changeOrders(shop.db, { placed_at: tenDaysAgo }, old.id)
    await rebuildSalesSummary(shop.db)

    const page = await shop.app.inject({ url: '/admin', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    const each = today.total
    // Paid on collection, so collected: the same goods without the £3.95 delivery.
    expect(pickup.total).toBe(each - 395)
    const money = (minor: number) => `£${(minor / 100).toFixed(2)}`
    expect(page.body).toMatch(
      new RegExp(`<dt>Today</dt><dd>${money(2 * each - 395).replace('.', '\\.')} <span class="muted">2 orders`),
    )
    expect(page.body).toMatch(
      new RegExp(`<dt>Last 30 days</dt><dd>${money(3 * each - 395).replace('.', '\\.')} <span class="muted">3 orders`),
    )
    expect(page.body).toContain('<dt>Waiting for payment</dt><dd><a href="/admin/orders?payment=pending">3</a>')
    // Pay on collection is ready to go unpaid; bank transfers wait for the money.
    expect(page.body).toContain('<dt>Ready to send</dt><dd><a href="/admin/orders?fulfilment=unfulfilled">1</a>')
    expect(page.body).toMatch(/<a href="\/admin\/variants\/\d+">Heather Mug \(MUG\)<\/a>: 5 left/)
    expect(page.body.match(/<rect /g)).toHaveLength(30)
    expect(page.body).toContain(`href="/admin/orders/${old.number}"`)
    expect(await htmlErrors(page.body)).toEqual([])
  })

  it('keeps the daily summary in step with orders as they are placed and cancelled', async ({ shop }) => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1000, stock: 9 })).id
    const first = await placeTestOrder(shop.db, variant, { token: 'a' })
    const second = await placeTestOrder(shop.db, variant, { token: 'b', quantity: 2 })
    const day = first.placed_at.slice(0, 10)
    const summary = () => shop.db.selectFrom('sales_daily').selectAll().where('day', '=', day).executeTakeFirst()
    expect(await summary()).toEqual({ day, orders: 2, sales: first.total + second.total, refunds: 0 })
    await cancelOrder(shop.db, second.id, { reason: 'test', baseUrl: 'http://localhost' })
    await cancelOrder(shop.db, second.id, { reason: 'again', baseUrl: 'http://localhost' })
    expect(await summary()).toEqual({ day, orders: 1, sales: first.total, refunds: 0 })
  })

  it('keeps the waiting counts equal to counting the orders, through payment, sending and cancelling', async ({
    shop,
  }) => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1000, stock: 20 })).id
    const counted = async () => {
      const stored = await shop.db.selectFrom('order_counts').select(['name', 'n']).orderBy('name').execute()
      const orders = await shop.db.selectFrom('orders').selectAll().execute()
      const awaiting = orders.filter((o) => o.payment_status === 'pending' && !o.cancelled_at).length
      const toSend = orders.filter(
        (o) =>
          ['unfulfilled', 'partially_fulfilled'].includes(o.fulfilment_status) &&
          !o.cancelled_at &&
          (o.payment_status === 'paid' || o.payment_method === 'pay_on_pickup'),
      ).length
      expect(stored).toEqual([
        { name: 'awaiting_payment', n: awaiting },
        { name: 'to_send', n: toSend },
      ])
      return { awaiting, toSend }
    }
    const a = await placeTestOrder(shop.db, variant, { token: 'a' })
    await placeTestOrder(shop.db, variant, { token: 'b', details: { paymentMethod: 'pay_on_pickup' } })
    const c = await placeTestOrder(shop.db, variant, { token: 'c' })
    expect(await counted()).toEqual({ awaiting: 3, toSend: 1 })
    await markOrderPaid(shop.db, a.id, { baseUrl: 'http://localhost' })
    expect(await counted()).toEqual({ awaiting: 2, toSend: 2 })
    await changeOrders(shop.db, { fulfilment_status: 'fulfilled' }, a.id)
    await cancelOrder(shop.db, c.id, { reason: 'test', baseUrl: 'http://localhost' })
    expect(await counted()).toEqual({ awaiting: 1, toSend: 1 })
    await emptyTables(shop.db, 'order_events', 'order_lines', 'discount_uses', 'orders')
    expect(await counted()).toEqual({ awaiting: 0, toSend: 0 })
  })
  it('takes money given back off the day it went back, and a cancelled order’s refunds not at all', async ({
    shop,
    staff: { cookie },
  }) => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1000, stock: 9 })).id
    const staffId = (await shop.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id
    const kept = await placeTestOrder(shop.db, variant, { token: 'k' })
    const gone = await placeTestOrder(shop.db, variant, { token: 'g' })
    const day = kept.placed_at.slice(0, 10)
    const summary = () =>
      shop.db.selectFrom('sales_daily').select(['orders', 'sales', 'refunds']).where('day', '=', day).executeTakeFirst()
    const refund = (orderId: number, amount: number, status: 'pending' | 'succeeded') =>
      createRefund(shop.db, { order_id: orderId, amount, reason: 'test', status, actor_user_id: staffId })
    const settle = (id: number, status: 'succeeded' | 'failed') => changeRefunds(shop.db, { status }, id)

    await refund(kept.id, 300, 'succeeded')
    const card = await refund(gone.id, 200, 'pending')
    expect(await summary()).toEqual({ orders: 2, sales: kept.total + gone.total, refunds: 300 })
    await settle(card.id, 'succeeded')
    await settle(card.id, 'succeeded')
    const refused = await refund(kept.id, 100, 'pending')
    await settle(refused.id, 'failed')
    expect(await summary()).toEqual({ orders: 2, sales: kept.total + gone.total, refunds: 500 })

    // Cancelled: the order leaves the figures whole, its refund with it, and one made afterwards never enters.
    await cancelOrder(shop.db, gone.id, { reason: 'test', baseUrl: 'http://localhost' })
    await refund(gone.id, 50, 'succeeded')
    expect(await summary()).toEqual({ orders: 1, sales: kept.total, refunds: 300 })

    const page = await shop.app.inject({ url: '/admin', headers: { cookie } })
    const net = `£${((kept.total - 300) / 100).toFixed(2)}`
    expect(page.body).toContain(`<dt>Today</dt><dd>${net} <span class="muted">1 order, £3.00 refunded</span>`)
    expect(page.body).toContain(
      `<td data-label="Refunds" class="numeric">£3.00</td><td data-label="Sales" class="numeric">${net}</td>`,
    )
    expect(await htmlErrors(page.body)).toEqual([])
  })

  it('labels the chart: amounts in the shop’s currency up the side, days along the bottom', async ({
    shop,
    staff: { cookie },
  }) => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 4230, stock: 8 })).id
    await placeTestOrder(shop.db, variant, { token: 't' })
    const page = await shop.app.inject({ url: '/admin', headers: { cookie } })
    const svg = /<svg class="chart-svg"[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? ''
    expect(svg).toMatch(
      /^<svg class="chart-svg" width="100%" height="220" role="img" aria-labelledby="chart-title chart-desc">/,
    )
    const yLabels = [...svg.matchAll(/<text x="-8" y="\d+" text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1])
    expect(yLabels[0]).toBe('£0')
    expect(yLabels.every((label) => /^£\d+$/.test(label ?? ''))).toBe(true)
    expect(yLabels.length).toBeGreaterThanOrEqual(3)
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })
    expect(svg).toContain(`text-anchor="end">${day.format(new Date())}</text>`)
    expect(svg).toContain(`text-anchor="start">${day.format(new Date(Date.now() - 29 * 86_400_000))}</text>`)
    expect(svg).toMatch(
      /<desc id="chart-desc">One bar a day from \d+ \w+ \d{4} to \d+ \w+ \d{4}, on a scale from £0 to £\d+\./,
    )
    expect(await htmlErrors(page.body)).toEqual([])
  })
})

describe('the sales chart', () => {
  const days = (sales: number[]) =>
    sales.map((amount, i) => ({ day: new Date(Date.UTC(2026, 10, 8 + i)).toISOString().slice(0, 10), sales: amount }))
  const gbp = { currency: 'GBP', locale: 'en-GB' }

  it('draws no bar for a day that gave back more than it took, and the best day to the top', () => {
    const { bars } = salesChart(days([-500, 1000]), gbp)
    expect(bars[0]?.height).toBe(0)
    expect(bars[1]?.height).toBe(CHART.plotBottom - CHART.plotTop)
    expect(bars[1]?.label).toBe('£10.00')
  })

  it('puts gridlines at round amounts above the best day, labelled in the shop’s currency', () => {
    expect(salesChart(days([4230, 100]), gbp).yTicks.map((t) => t.label)).toEqual(['£0', '£20', '£40', '£60'])
    expect(salesChart(days([20_000_000]), gbp).yTicks.map((t) => t.label)).toEqual([
      '£0',
      '£50k',
      '£100k',
      '£150k',
      '£200k',
    ])
    // German puts the euro after the amount, with a no-break space.
    const euros = salesChart(days([75]), { currency: 'EUR', locale: 'de-DE' }).yTicks
    expect(euros.map((t) => t.label.replace(/\u00a0/g, ' '))).toEqual([
      '0,00 €',
      '0,20 €',
      '0,40 €',
      '0,60 €',
      '0,80 €',
    ])
    // No sales yet: a scale all the same, in whole units of a currency without minor ones.
    expect(salesChart(days([0, 0]), { currency: 'JPY', locale: 'en-GB' }).yTicks.map((t) => t.label)).toEqual([
      'JP¥0',
      'JP¥1',
      'JP¥2',
      'JP¥3',
      'JP¥4',
    ])
    const { yTicks } = salesChart(days([4230]), gbp)
    expect(yTicks[0]?.y).toBe(CHART.plotBottom)
    expect(yTicks.at(-1)?.y).toBe(CHART.plotTop)
  })

  it('names a day each week under the bars, the first and the last at the edges', () => {
    const { xTicks, bars } = salesChart(days(Array.from({ length: 30 }, () => 100)), gbp)
    expect(xTicks).toEqual([
      { x: '0%', label: '8 Nov', anchor: 'start' },
      { x: '25%', label: '15 Nov', anchor: 'middle' },
      { x: '48.33%', label: '22 Nov', anchor: 'middle' },
      { x: '71.67%', label: '29 Nov', anchor: 'middle' },
      { x: '100%', label: '7 Dec', anchor: 'end' },
    ])
    expect(bars.map((b) => b.x).slice(0, 2)).toEqual(['0.33%', '3.67%'])
  })

  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect([0.3, 1, 1.5, 3, 7, 1057.5, 25_000].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 2000, 50_000])
  })
})

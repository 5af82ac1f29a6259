import type { Db } from '../../db/connection.js'

const DAY_MS = 86_400_000
/** A variant that counts its stock is low at this many or fewer. */
export const LOW_STOCK = 5

/**
 * The dashboard's figures, each from an index or the daily summary (never a
 * scan of all orders): sales and order counts for today and the last 7 and
 * 30 days, orders waiting for payment or to be sent, low-stock variants,
 * the newest orders, and the 30 days for the chart.
 */
export async function dashboard(db: Db, now = new Date()) {
  const day = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10)
  const days = await db.selectFrom('sales_daily').selectAll().where('day', '>=', day(29)).execute()
  const byDay = new Map(days.map((d) => [d.day, d]))
  const series = Array.from({ length: 30 }, (_, i) => {
    const d = day(29 - i)
    return { day: d, orders: byDay.get(d)?.orders ?? 0, sales: byDay.get(d)?.sales ?? 0 }
  })
  const total = (last: number) =>
    series.slice(-last).reduce((sum, d) => ({ orders: sum.orders + d.orders, sales: sum.sales + d.sales }), {
      orders: 0,
      sales: 0,
    })

  const [awaitingPayment, toSend, lowStock, recent] = await Promise.all([
    db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('payment_status', '=', 'pending')
      .where('cancelled_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('fulfilment_status', 'in', ['unfulfilled', 'partially_fulfilled'])
      .where('cancelled_at', 'is', null)
      // Paid, or paid on collection: ready to go.
      .where((eb) => eb.or([eb('payment_status', '=', 'paid'), eb('payment_method', '=', 'pay_on_pickup')]))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .select(['v.id', 'v.sku', 'v.stock', 'p.id as product_id', 'p.title'])
      .where('v.track_stock', '=', 1)
      .where('v.stock', '<=', LOW_STOCK)
      .where('p.status', '=', 'active')
      .orderBy('v.stock')
      .orderBy('v.id')
      .limit(10)
      .execute(),
    db
      .selectFrom('orders')
      .select([
        'number',
        'placed_at',
        'name',
        'total',
        'currency',
        'payment_status',
        'fulfilment_status',
        'cancelled_at',
      ])
      .orderBy('id', 'desc')
      .limit(8)
      .execute(),
  ])
  return {
    today: total(1),
    week: total(7),
    month: total(30),
    awaitingPayment: Number(awaitingPayment.n),
    toSend: Number(toSend.n),
    lowStock,
    recent,
    series,
  }
}

/** Bars for the 30-day chart, scaled to a box of `width` × `height` (SVG units), drawn by the template. */
export function chartBars(series: { day: string; sales: number }[], width = 600, height = 160) {
  const max = Math.max(1, ...series.map((d) => d.sales))
  const slot = width / series.length
  return series.map((d, i) => {
    const h = Math.round((d.sales / max) * (height - 4))
    return { ...d, x: Math.round(i * slot + 1), y: height - h, width: Math.max(1, Math.round(slot - 2)), height: h }
  })
}

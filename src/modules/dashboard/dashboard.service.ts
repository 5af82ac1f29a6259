import type { Db } from '../../db/connection.js'
import { withFields } from '../../lib/objects.js'
import { selectLowStock, selectNewestOrders, selectOrderCounts, selectSalesSince } from './dashboard.repository.js'

const DAY_MS = 86_400_000
/** A variant that counts its stock is low at this many or fewer. */
export const LOW_STOCK = 5

/**
 * The dashboard's figures, each from an index or a summary kept by triggers
 * (never a count of all orders): sales and order counts for today and the last 7 and
 * 30 days, orders waiting for payment or to be sent, low-stock variants,
 * the newest orders, and the 30 days for the chart.
 */
export async function dashboard(db: Db, now = new Date()) {
  const day = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10)
  const days = await selectSalesSince(db, day(29))
  const byDay = new Map(days.map((d) => [d.day, d]))
  // Sales are net: what orders brought in that day less what was given back that day.
  const series = Array.from({ length: 30 }, (_, i) => {
    const d = day(29 - i)
    const row = byDay.get(d)
    const refunds = row?.refunds ?? 0
    return { day: d, orders: row?.orders ?? 0, sales: (row?.sales ?? 0) - refunds, refunds }
  })
  const total = (last: number) =>
    series
      .slice(-last)
      .reduce(
        (sum, d) => ({ orders: sum.orders + d.orders, sales: sum.sales + d.sales, refunds: sum.refunds + d.refunds }),
        { orders: 0, sales: 0, refunds: 0 },
      )

  const [counts, lowStock, recent] = await Promise.all([
    selectOrderCounts(db),
    selectLowStock(db, LOW_STOCK, 10),
    selectNewestOrders(db, 8),
  ])
  return {
    today: total(1),
    week: total(7),
    month: total(30),
    awaitingPayment: counts.find((c) => c.name === 'awaiting_payment')?.n ?? 0,
    toSend: counts.find((c) => c.name === 'to_send')?.n ?? 0,
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
    // A day that gave back more than it took has no bar; its figure is in the table.
    const h = Math.round((Math.max(0, d.sales) / max) * (height - 4))
    return withFields(d, {
      x: Math.round(i * slot + 1),
      y: height - h,
      width: Math.max(1, Math.round(slot - 2)),
      height: h,
    })
  })
}

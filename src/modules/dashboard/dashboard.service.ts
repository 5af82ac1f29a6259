import type { Db } from '../../db/connection.js'
import { formatMoney, minorDigits } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { getShopSettings } from '../settings/settings.service.js'
import { selectLowStock, selectNewestOrders, selectOrderCounts, selectSalesSince } from './dashboard.repository.js'

const DAY_MS = 86_400_000

/** Orders, net sales and refunds over some days. */
type Sum = { orders: number; sales: number; refunds: number }
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
  const total = (last: number): Sum =>
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

/**
 * The whole dashboard page: the figures, the chart drawn in the shop's
 * currency, and each newest order with where it stands.
 */
export async function dashboardPage(db: Db, now = new Date()) {
  const [figures, shop] = await Promise.all([dashboard(db, now), getShopSettings(db)])
  const money = (minor: number) => formatMoney(minor, shop.currency, shop.locale)
  const period = (label: string, sum: Sum) => ({
    label,
    sales: sum.sales,
    note: `${sum.orders} ${sum.orders === 1 ? 'order' : 'orders'}${sum.refunds ? `, ${money(sum.refunds)} refunded` : ''}`,
  })
  return {
    kind: 'page' as const,
    title: 'Dashboard',
    ...figures,
    periods: [
      period('Today', figures.today),
      period('Last 7 days', figures.week),
      period('Last 30 days', figures.month),
    ],
    recent: figures.recent.map((o) => withFields(o, { status: orderStatusText(o) })),
    lowStock: figures.lowStock.map((v) => withFields(v, { left: v.stock <= 0 ? 'sold out' : `${v.stock} left` })),
    chart: salesChart(figures.series, shop),
    chartBox: CHART,
    lowStockAt: LOW_STOCK,
  }
}

/** Where an order stands, in the back office's lists: "paid, unfulfilled", or "cancelled". */
export function orderStatusText(order: {
  cancelled_at: string | null
  payment_status: string
  fulfilment_status: string
}): string {
  return order.cancelled_at
    ? 'cancelled'
    : `${order.payment_status.replace('_', ' ')}, ${order.fulfilment_status.replace('_', ' ')}`
}

/** The chart's box: a fixed height in CSS pixels, and the whole width of the page (x positions are percentages). */
export const CHART = { height: 220, plotTop: 18, plotBottom: 186, labelY: 208 } as const

export interface SalesChart {
  bars: { day: string; sales: number; label: string; x: string; width: string; y: number; height: number }[]
  /** Gridlines from the bottom up, each with its amount in the shop's currency. */
  yTicks: { y: number; label: string }[]
  /** A day every week, the first and the last. */
  xTicks: { x: string; label: string; anchor: 'start' | 'middle' | 'end' }[]
  /** What the chart shows, for people who cannot see it. */
  summary: string
}

/** 1, 2 or 5 times a power of ten: the smallest such step at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(raw))
  return ([1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw - 1e-9) as number) ?? 10 * power
}

const percent = (n: number) => `${Math.round(n * 10_000) / 100}%`

/**
 * The 30-day chart as the template draws it: bars by day (x and width as
 * percentages of the width, so the SVG needs no viewBox and its text is never
 * scaled down on a phone), four or five gridlines at round amounts labelled in
 * the shop's currency, and the days under the bars once a week.
 */
export function salesChart(
  series: { day: string; sales: number }[],
  format: { currency: string; locale: string },
): SalesChart {
  const unit = 10 ** minorDigits(format.currency)
  const highest = Math.max(0, ...series.map((d) => d.sales))
  // No sales yet: the gridlines still show what the amounts would look like.
  const step = highest > 0 ? niceStep(highest / 4) : unit
  const top = highest > 0 ? step * Math.ceil(highest / step) : 4 * step
  const plot = CHART.plotBottom - CHART.plotTop
  const yOf = (amount: number) => CHART.plotBottom - Math.round((amount / top) * plot)

  const wholeUnits = step % unit === 0
  const amount = new Intl.NumberFormat(format.locale, {
    style: 'currency',
    currency: format.currency,
    ...(top / unit >= 10_000 ? { notation: 'compact' as const } : {}),
    minimumFractionDigits: wholeUnits ? 0 : minorDigits(format.currency),
    maximumFractionDigits: wholeUnits ? (top / unit >= 10_000 ? 1 : 0) : minorDigits(format.currency),
  })
  const yTicks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => ({
    y: yOf(i * step),
    label: amount.format((i * step) / unit),
  }))

  const slot = 1 / Math.max(1, series.length)
  const bars = series.map((d, i) => {
    // A day that gave back more than it took has no bar; its figure is in the table.
    const h = CHART.plotBottom - yOf(Math.max(0, d.sales))
    return withFields(d, {
      label: formatMoney(d.sales, format.currency, format.locale),
      x: percent(i * slot + slot * 0.1),
      width: percent(slot * 0.8),
      y: CHART.plotBottom - h,
      height: h,
    })
  })

  const dayLabel = new Intl.DateTimeFormat(format.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' })
  const last = series.length - 1
  const labelled = [...new Set([0, 7, 14, 21, last])].filter(
    (i) => i >= 0 && i <= last && (i === last || last - i >= 4),
  )
  const xTicks = labelled.map((i) => {
    const anchor: 'start' | 'middle' | 'end' = i === 0 ? 'start' : i === last ? 'end' : 'middle'
    const x = anchor === 'start' ? 0 : anchor === 'end' ? 1 : (i + 0.5) * slot
    return { x: percent(x), label: dayLabel.format(new Date(`${series[i]?.day}T00:00:00Z`)), anchor }
  })

  const first = series[0]?.day
  const final = series[last]?.day
  const longDay = new Intl.DateTimeFormat(format.locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })
  const summary =
    first && final
      ? `One bar a day from ${longDay.format(new Date(`${first}T00:00:00Z`))} to ${longDay.format(new Date(`${final}T00:00:00Z`))}, on a scale from ${yTicks[0]?.label} to ${yTicks.at(-1)?.label}.`
      : ''
  return { bars, yTicks, xTicks, summary }
}

import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import {
  selectFulfilmentsOfOrders,
  selectLinesOfOrders,
  selectParcelLinesOfOrders,
  selectRefundsOfOrders,
} from './orders-api.repository.js'
import type { Order } from './place-order.js'

/**
 * An order as the API shows it: to its customer (/me/orders), to outside
 * services (/admin/orders), in the answer to placing it and in webhook
 * events. One shape everywhere. Amounts are integers of minor units
 * (pence, cents) in the order's `currency`.
 */
const amount = () => z.number().int().describe('In minor units of the order’s currency: 1999 is 19.99.')

export const orderLineJson = z
  .object({
    id: z.number().int(),
    sku: z.string(),
    title: z.string(),
    options: z.record(z.string(), z.string()).describe('Option name → value, as sold.'),
    unit_price: amount(),
    quantity: z.number().int(),
    tax_rate: z.number().int().describe('Basis points: 2000 is 20%.'),
    subtotal: amount(),
    discount: amount(),
    tax: amount(),
    total: amount(),
    quantity_sent: z.number().int(),
  })
  .meta({ id: 'OrderLine' })

export const orderJson = z
  .object({
    number: z.number().int(),
    status: z.enum(['open', 'cancelled']),
    payment_status: z.enum(['pending', 'paid', 'partially_refunded', 'refunded']),
    fulfilment_status: z.enum(['unfulfilled', 'partially_fulfilled', 'fulfilled']),
    email: z.string(),
    name: z.string(),
    phone: z.string(),
    shipping_address: z
      .object({
        line1: z.string(),
        line2: z.string(),
        city: z.string(),
        postcode: z.string(),
        country: z.string().describe('ISO 3166-1 alpha-2.'),
      })
      .nullable()
      .describe('Null when the order is collected.'),
    shipping_method: z.string(),
    payment_method: z.string(),
    currency: z.string(),
    prices_include_tax: z.boolean(),
    subtotal: amount(),
    discount_total: amount(),
    shipping_total: amount(),
    tax_total: amount(),
    total: amount(),
    discount_code: z.string().nullable(),
    lines: z.array(orderLineJson),
    fulfilments: z.array(
      z.object({
        id: z.number().int(),
        carrier: z.string(),
        tracking_number: z.string(),
        created_at: z.string(),
        lines: z.array(z.object({ line_id: z.number().int(), quantity: z.number().int() })),
      }),
    ),
    refunds: z.array(
      z.object({
        id: z.number().int(),
        amount: amount(),
        reason: z.string(),
        status: z.enum(['pending', 'succeeded', 'failed']),
        created_at: z.string(),
      }),
    ),
    placed_at: z.string(),
    paid_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: 'Order' })

export type OrderJson = z.output<typeof orderJson>

/** The order with its lines, parcels and refunds. */
export async function orderJsonOf(db: Db, order: Order): Promise<OrderJson> {
  return (await orderJsonsOf(db, [order]))[0] as OrderJson
}

/**
 * Many orders as the API shows them, in the order given: their lines,
 * parcels and refunds are read in four queries for all of them, so a page of
 * a hundred orders costs what one does.
 */
export async function orderJsonsOf(db: Db, orders: readonly Order[]): Promise<OrderJson[]> {
  const ids = orders.map((order) => order.id)
  const [lines, fulfilments, parcelLines, refunds] = await Promise.all([
    selectLinesOfOrders(db, ids),
    selectFulfilmentsOfOrders(db, ids),
    selectParcelLinesOfOrders(db, ids),
    selectRefundsOfOrders(db, ids),
  ])
  const byOrder = {
    lines: groupByOrder(lines),
    fulfilments: groupByOrder(fulfilments),
    parcelLines: groupByOrder(parcelLines),
    refunds: groupByOrder(refunds),
  }
  return orders.map((order) =>
    orderJsonFrom(order, {
      lines: byOrder.lines.get(order.id) ?? [],
      fulfilments: byOrder.fulfilments.get(order.id) ?? [],
      parcelLines: byOrder.parcelLines.get(order.id) ?? [],
      refunds: byOrder.refunds.get(order.id) ?? [],
    }),
  )
}

type Rows<F extends (db: Db, ids: number[]) => Promise<unknown[]>> = Awaited<ReturnType<F>>

interface OrderParts {
  lines: Rows<typeof selectLinesOfOrders>
  fulfilments: Rows<typeof selectFulfilmentsOfOrders>
  parcelLines: Rows<typeof selectParcelLinesOfOrders>
  refunds: Rows<typeof selectRefundsOfOrders>
}

function groupByOrder<R extends { order_id: number }>(rows: R[]): Map<number, R[]> {
  const groups = new Map<number, R[]>()
  for (const row of rows) {
    const group = groups.get(row.order_id)
    if (group) group.push(row)
    else groups.set(row.order_id, [row])
  }
  return groups
}

/** The one mapping of an order and its parts to the API's shape. */
function orderJsonFrom(order: Order, { lines, fulfilments, parcelLines, refunds }: OrderParts): OrderJson {
  const sent = new Map<number, number>()
  for (const line of parcelLines) sent.set(line.order_line_id, (sent.get(line.order_line_id) ?? 0) + line.quantity)
  return {
    number: order.number,
    status: order.cancelled_at ? 'cancelled' : 'open',
    payment_status: order.payment_status,
    fulfilment_status: order.fulfilment_status,
    email: order.email,
    name: order.name,
    phone: order.phone,
    shipping_address: order.address_line1
      ? {
          line1: order.address_line1,
          line2: order.address_line2,
          city: order.city,
          postcode: order.postcode,
          country: order.country,
        }
      : null,
    shipping_method: order.shipping_method,
    payment_method: order.payment_method,
    currency: order.currency,
    prices_include_tax: Boolean(order.prices_include_tax),
    subtotal: order.subtotal,
    discount_total: order.discount_total,
    shipping_total: order.shipping_total,
    tax_total: order.tax_total,
    total: order.total,
    discount_code: order.discount_code,
    lines: lines.map((line) => ({
      id: line.id,
      sku: line.sku,
      title: line.title,
      options: parseOptions(line.options),
      unit_price: line.unit_price,
      quantity: line.quantity,
      tax_rate: line.tax_rate,
      subtotal: line.subtotal,
      discount: line.discount,
      tax: line.tax,
      total: line.total,
      quantity_sent: sent.get(line.id) ?? 0,
    })),
    fulfilments: fulfilments.map((f) => ({
      id: f.id,
      carrier: f.carrier,
      tracking_number: f.tracking_number,
      created_at: f.created_at,
      lines: parcelLines
        .filter((line) => line.fulfilment_id === f.id)
        .map((line) => ({ line_id: line.order_line_id, quantity: line.quantity })),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: r.amount,
      reason: r.reason,
      status: r.status,
      created_at: r.created_at,
    })),
    placed_at: order.placed_at,
    paid_at: order.paid_at,
    cancelled_at: order.cancelled_at,
    updated_at: order.updated_at,
  }
}

function parseOptions(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text)
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {}
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))
  } catch {
    return {}
  }
}

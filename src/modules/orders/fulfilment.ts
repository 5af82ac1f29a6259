import { type Db, inTransaction } from '../../db/connection.js'
import { withFields } from '../../lib/objects.js'
import { invalid, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { validate } from '../../lib/validation.js'
import { type ChangeActor, logActivity, throughKey } from '../activity/activity.service.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import { type FulfilmentInput, parcelInput, parcelQuantityText } from './order-admin.forms.js'
import {
  insertFulfilment,
  insertOrderEvent,
  selectOrderByNumber,
  selectOrderLines,
  selectSentQuantities,
  setFulfilmentStatus,
} from './orders.repository.js'
import { orderSummary } from './place-order.js'

export type FulfilResult =
  | { kind: 'fulfilled'; status: 'partially_fulfilled' | 'fulfilled' }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'refused'; message: string }
  | { kind: 'missing' }

/** Each line of an order with how many are left to send. */
export async function linesToSend(db: Db, orderId: number) {
  const [lines, sent] = await Promise.all([selectOrderLines(db, orderId), selectSentQuantities(db, orderId)])
  return lines.map((line) =>
    withFields(line, {
      sent: sent.get(line.id) ?? 0,
      left: line.quantity - (sent.get(line.id) ?? 0),
    }),
  )
}

/**
 * How many of each line go in the parcel, from what staff typed for each of
 * the order's lines: a whole number from 0 to what is left to send of it.
 */
export function lineQuantities(
  sent: Record<number, string>,
  lines: { id: number; title: string; left: number }[],
): { ok: true; quantities: Map<number, number> } | { ok: false; errors: Record<string, string> } {
  const quantities = new Map<number, number>()
  const errors: Record<string, string> = {}
  for (const line of lines) {
    const text = sent[line.id]?.trim() ?? ''
    if (text === '') continue
    const typed = parcelQuantityText(line.title).safeParse(text)
    if (!typed.success) errors[`line-${line.id}`] = typed.error.issues[0]?.message ?? ''
    else if (typed.data > line.left) errors[`line-${line.id}`] = leftToSend(line)
    else if (typed.data > 0) quantities.set(line.id, typed.data)
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  if (quantities.size === 0) return { ok: false, errors: { lines: 'Choose at least one item to send' } }
  return { ok: true, quantities }
}

/**
 * The fulfilment form of the order page: the parcel as typed, checked with
 * its numbers against the order's lines (all its messages at once), then sent.
 */
export async function sendParcel(
  db: Db,
  number: number,
  actor: ChangeActor,
  input: FulfilmentInput,
  baseUrl: string,
): Promise<FulfilResult> {
  const order = await selectOrderByNumber(db, number)
  if (!order) return missing
  const quantities = lineQuantities(input.lines, await linesToSend(db, order.id))
  const parcel = validate(parcelInput, { carrier: input.carrier, tracking: input.tracking })
  if (!quantities.ok || !parcel.ok) {
    return invalid(withFields(quantities.ok ? {} : quantities.errors, parcel.ok ? {} : parcel.errors))
  }
  return fulfilOrder(db, number, actor, withFields(parcel.value, { quantities: quantities.quantities }), baseUrl)
}

/**
 * Staff send some or all of an order: the parcel is recorded with its
 * carrier and tracking number, the order becomes partially fulfilled or
 * fulfilled, and the customer gets the "shipped" email with what is in it —
 * one transaction. More than is left of a line, or a cancelled order, is
 * refused. `quantities: 'rest'` sends everything left to send (what the
 * form offers unless changed), worked out in the same transaction, so a
 * parcel sent meanwhile is not sent twice; an order with nothing left is refused.
 */
export async function fulfilOrder(
  db: Db,
  number: number,
  actor: ChangeActor,
  parcel: { carrier: string; tracking: string; quantities: Map<number, number> | 'rest' },
  baseUrl: string,
): Promise<FulfilResult> {
  return inTransaction(db, async (trx) => {
    const order = await selectOrderByNumber(trx, number)
    if (!order) return { kind: 'missing' } as const
    if (order.cancelled_at)
      return { kind: 'refused', message: `Order #${order.number} is cancelled, so nothing can be sent.` }
    const lines = await linesToSend(trx, order.id)
    const quantities =
      parcel.quantities === 'rest'
        ? new Map(lines.filter((line) => line.left > 0).map((line) => [line.id, line.left]))
        : parcel.quantities
    if (quantities.size === 0)
      return { kind: 'refused', message: `Everything in order #${order.number} has been sent already.` }
    const errors: Record<string, string> = {}
    for (const [lineId, quantity] of quantities) {
      const line = lines.find((l) => l.id === lineId)
      if (!line) errors.lines = 'Choose items of this order'
      else if (quantity > line.left) errors[`line-${lineId}`] = leftToSend(line)
    }
    if (Object.keys(errors).length) return { kind: 'invalid', errors }

    const now = nowIso()
    const sent = [...quantities].map(([order_line_id, quantity]) => ({ order_line_id, quantity }))
    await insertFulfilment(
      trx,
      {
        order_id: order.id,
        carrier: parcel.carrier,
        tracking_number: parcel.tracking,
        created_at: now,
        actor_user_id: actor.id,
      },
      sent,
    )
    const allSent = lines.every((line) => line.left - (quantities.get(line.id) ?? 0) === 0)
    const status = allSent ? 'fulfilled' : 'partially_fulfilled'
    await setFulfilmentStatus(trx, order.id, status, now)
    const items = lines
      .filter((line) => quantities.has(line.id))
      .map((line) => ({ title: line.title, sku: line.sku, quantity: quantities.get(line.id) ?? 0 }))
    const count = items.reduce((n, item) => n + item.quantity, 0)
    const carried = parcel.carrier
      ? ` by ${parcel.carrier}${parcel.tracking ? `, tracking ${parcel.tracking}` : ''}`
      : ''
    const how = `${carried}${throughKey(actor)}`
    await insertOrderEvent(trx, {
      order_id: order.id,
      kind: 'fulfilled',
      message: `Sent ${count} ${count === 1 ? 'item' : 'items'}${how}.`,
      actor_user_id: actor.id,
      at: now,
    })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'order.fulfilled',
      subject: { type: 'order', id: order.id },
      summary: `Sent ${count} ${count === 1 ? 'item' : 'items'} of order #${order.number}${how}`,
      changes: { fulfilment_status: [order.fulfilment_status, status] },
    })
    const shop = await getShopSettings(trx)
    await enqueueEmail(trx, {
      template: 'order-shipped',
      to: order.email,
      subject: `${allSent ? 'Your order' : 'Part of your order'} #${order.number} from ${shop.shopName} is on its way`,
      data: withFields(await orderSummary(trx, { ...order, fulfilment_status: status }, shop), {
        items,
        carrier: parcel.carrier,
        tracking: parcel.tracking,
        complete: allSent,
        orderPath: `/orders/${order.access_token}`,
      }),
      shop,
      baseUrl,
    })
    return { kind: 'fulfilled', status } as const
  })
}

function leftToSend(line: { left: number; title: string }): string {
  return `Only ${line.left} of ${line.title} are left to send`
}

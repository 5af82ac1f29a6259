import type { Db } from '../../db/connection.js'
import { type Missing, missing, type PersonalFile } from '../../lib/outcomes.js'
import type { FieldErrors } from '../../lib/validation.js'
import { isHostedMethod, PAYMENT_METHOD_LABELS } from '../payments/payment-methods.js'
import { getShopSettings } from '../settings/settings.service.js'
import { countryName } from './checkout.service.js'
import { linesToSend } from './fulfilment.js'
import { invoiceLabel, renderPackingSlipPdf } from './invoice.js'
import { orderActions } from './order-admin.service.js'
import { selectFulfilments, selectOrderByNumber, selectOrderEvents, selectRefunds } from './orders.repository.js'
import { type Order, orderSummary } from './place-order.js'
import { refundable } from './refunds.js'

/** A form of the page that failed: what was sent, and a message per field. */
type Sent = { values: Record<string, string>; errors: FieldErrors }

/**
 * A page about one order with a form on it, or missing when there is no such
 * order: `build` gives the page's own data; the form shows `values` at first,
 * and what was `sent` with its messages when it failed.
 */
async function orderPage<T>(
  db: Db,
  number: number,
  sent: Sent | undefined,
  build: (order: Order) => Promise<T>,
  values: Record<string, string> = {},
) {
  const order = await selectOrderByNumber(db, number)
  if (!order) return missing
  return { kind: 'page', ...(await build(order)), values, errors: {}, ...sent } as const
}

/**
 * An order in the back office: what was ordered, its timeline, parcels and
 * refunds, and the actions staff may take on it as it stands (with the
 * lines still to send, for the fulfilment form).
 */
export function adminOrderPage(db: Db, number: number, sent?: Sent) {
  return orderPage(db, number, sent, async (order) => {
    const shop = await getShopSettings(db)
    const toSend = await linesToSend(db, order.id)
    const actions = orderActions(order, await refundable(db, order))
    return {
      title: `Order #${order.number}`,
      ...(await orderSummary(db, order, shop)),
      events: await selectOrderEvents(db, order.id),
      fulfilments: await selectFulfilments(db, order.id),
      refunds: await selectRefunds(db, order.id),
      toSend: actions.canSend ? toSend.filter((line) => line.left > 0) : [],
      ...actions,
      countryName: (code: string) => countryName(code, shop.locale),
      paymentLabels: PAYMENT_METHOD_LABELS,
      invoiceLabel,
    }
  })
}

/** The refund form is its own page: it is the confirmation, and says how much is left to give back. */
export function refundPage(db: Db, number: number, sent?: Sent) {
  return orderPage(db, number, sent, async (order) => ({
    title: `Refund order #${order.number}`,
    order,
    left: await refundable(db, order),
    byStripe: isHostedMethod(order.payment_method),
  }))
}

/** Cancelling is confirmed on a page of its own, with a reason to send the customer written for staff to change. */
export function cancellationPage(db: Db, number: number, sent?: Sent) {
  const reason = 'We are sorry, but we cannot send this order.'
  return orderPage(db, number, sent, async (order) => ({ title: `Cancel order #${order.number}`, order }), { reason })
}

/** The packing slip of what is left to send of an order, as a PDF. */
export async function packingSlipPdf(db: Db, number: number): Promise<PersonalFile | Missing> {
  const order = await selectOrderByNumber(db, number)
  if (!order) return missing
  const shop = await getShopSettings(db)
  const bytes = await renderPackingSlipPdf(
    await orderSummary(db, order, shop),
    shop,
    (code) => countryName(code, shop.locale),
    await linesToSend(db, order.id),
  )
  return { kind: 'file', bytes, type: 'application/pdf', filename: `packing-slip-${order.number}.pdf` }
}

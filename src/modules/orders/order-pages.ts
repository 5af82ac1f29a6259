import type { Db } from '../../db/connection.js'
import { type Missing, missing, type PersonalFile } from '../../lib/outcomes.js'
import { paginate } from '../../lib/pagination.js'
import { paymentPage } from '../payments/payment.service.js'
import { HOSTED_UNPAID_MINUTES, isHostedMethod, PAYMENT_METHOD_LABELS } from '../payments/payment-methods.js'
import { type PaymentNotice, paymentNotice, unopenedPayment } from '../payments/payment-notice.js'
import type { PaymentProviderError } from '../payments/payment-provider.js'
import type { Payments } from '../payments/payments.js'
import { getShopSettings } from '../settings/settings.service.js'
import { countryName } from './checkout.service.js'
import { invoiceLabel, renderInvoicePdf } from './invoice.js'
import {
  countOrdersOfUser,
  selectOrderByAccessToken,
  selectOrderByNumber,
  selectOrderOfUser,
  selectOrdersOfUser,
} from './orders.repository.js'
import { type Order, orderSummary } from './place-order.js'

/**
 * Which order a page is about: the one behind a secret link (null: no link
 * can be that), a customer's own by its number, or any by its number (staff).
 */
export type OrderRef = { token: string | null } | { userId: number; number: number } | { number: number }

function findOrder(db: Db, ref: OrderRef): Promise<Order | undefined> {
  if ('token' in ref) return ref.token === null ? Promise.resolve(undefined) : selectOrderByAccessToken(db, ref.token)
  if ('userId' in ref) return selectOrderOfUser(db, ref.userId, ref.number)
  return selectOrderByNumber(db, ref.number)
}

/** Where the customer's own pages of an order are: behind its link, or in their account's order history. */
function customerPaths(order: Order, ref: OrderRef) {
  const base = 'userId' in ref ? `/account/orders/${order.number}` : `/orders/${order.access_token}`
  return { invoicePath: `${base}/invoice.pdf`, history: 'userId' in ref }
}

/** The order page's data, for the guest link and the customer's account alike. */
async function orderPageData(
  db: Db,
  order: Order,
  ref: OrderRef,
  options: { returned?: boolean; notice?: PaymentNotice },
) {
  const shop = await getShopSettings(db)
  return {
    title: `Order #${order.number}`,
    noindex: true,
    ...customerPaths(order, ref),
    ...options,
    ...(await orderSummary(db, order, shop)),
    countryName: (code: string) => countryName(code, shop.locale),
    paymentLabels: PAYMENT_METHOD_LABELS,
    paymentNotice: paymentNotice(order, options),
    paymentPath: `/orders/${order.access_token}/payment`,
    // An order paid on the provider's page is confirmed by email once paid.
    confirmationSent: !isHostedMethod(order.payment_method) || order.paid_at !== null,
    unpaidMinutes: HOSTED_UNPAID_MINUTES,
  }
}

export type OrderPageData = Awaited<ReturnType<typeof orderPageData>>

/** An order as its customer sees it, behind its link or in their account; `returned`: back from paying on the provider's page. */
export async function customerOrderPage(
  db: Db,
  ref: OrderRef,
  query: { returned: boolean },
): Promise<({ kind: 'page' } & OrderPageData) | Missing> {
  const order = await findOrder(db, ref)
  return order ? { kind: 'page', ...(await orderPageData(db, order, ref, query)) } : missing
}

const ORDERS_PER_PAGE = 20

/** A customer's orders, newest first, a page at a time; a page past the last is not found. */
export async function customerOrdersPage(db: Db, userId: number, page: number) {
  const total = await countOrdersOfUser(db, userId)
  if (page > 1 && (page - 1) * ORDERS_PER_PAGE >= total) return missing
  const orders = await selectOrdersOfUser(db, userId, ORDERS_PER_PAGE, (page - 1) * ORDERS_PER_PAGE)
  const data = {
    title: 'Your orders',
    noindex: true,
    orders,
    pagination: paginate({
      page,
      perPage: ORDERS_PER_PAGE,
      total,
      href: (n) => (n === 1 ? '/account/orders' : `/account/orders?page=${n}`),
    }),
  }
  return { kind: 'page', ...data } as const
}

export type OrderPayment =
  /** On to the provider's page, where the order is paid. */
  | { kind: 'provider'; to: string }
  /** Nothing to pay there (paid, cancelled, or paid some other way): back to the order. */
  | { kind: 'settled'; to: string }
  /** The order page, saying why the payment could not be opened; `error` is for the log. */
  | {
      kind: 'notice'
      status: 410 | 502 | 503
      retryAfter?: number
      error?: PaymentProviderError
      number: number
      data: OrderPageData
    }
  | Missing

/**
 * Where an order paid on the provider's page is paid: on to its payment
 * there, or back to the order saying why not. `base` is the shop's origin,
 * for the addresses the provider sends the shopper back to.
 */
export async function orderPaymentPage(
  db: Db,
  payments: Payments,
  token: string | null,
  base: string,
): Promise<OrderPayment> {
  const ref = { token }
  const order = await findOrder(db, ref)
  if (!order) return missing
  const orderUrl = `${base}/orders/${order.access_token}`
  const page = await paymentPage(db, payments, order, { success: `${orderUrl}?payment=done`, cancel: orderUrl })
  if (page.kind === 'redirect') return { kind: 'provider', to: page.url }
  if (page.kind === 'settled') return { kind: 'settled', to: `/orders/${order.access_token}` }
  const { notice, ...answer } = unopenedPayment(page)
  const data = await orderPageData(db, order, ref, { notice })
  return {
    kind: 'notice',
    ...answer,
    number: order.number,
    data,
    ...(page.kind === 'unavailable' && { error: page.error }),
  }
}

/** A paid order's invoice as a PDF, and the name to save it under; an unpaid, cancelled or unknown order has none. */
export async function invoicePdf(db: Db, ref: OrderRef): Promise<PersonalFile | Missing> {
  const order = await findOrder(db, ref)
  if (!order || order.invoice_number === null) return missing
  const shop = await getShopSettings(db)
  const bytes = await renderInvoicePdf(await orderSummary(db, order, shop), shop, (code) =>
    countryName(code, shop.locale),
  )
  return { kind: 'file', bytes, type: 'application/pdf', filename: `invoice-${invoiceLabel(order.invoice_number)}.pdf` }
}

import type { FastifyInstance, FastifyReply } from 'fastify'
import { countryName } from '../modules/orders/checkout.service.js'
import { invoiceLabel, renderInvoicePdf } from '../modules/orders/invoice.js'
import { selectOrderByAccessToken } from '../modules/orders/orders.repository.js'
import { type Order, orderSummary } from '../modules/orders/place-order.js'
import { paymentPage } from '../modules/payments/payment.service.js'
import { HOSTED_UNPAID_MINUTES, isHostedMethod, PAYMENT_METHOD_LABELS } from '../modules/payments/payment-methods.js'
import { getShopSettings } from '../modules/settings/settings.service.js'
import { siteOrigin } from '../plugins/csrf.js'

/**
 * What the order page says about a payment on the provider's page: pay now,
 * the payment is being confirmed (back from Stripe, before its webhook), the
 * provider did not answer or refused, or the time to pay has run out.
 */
export type PaymentNotice = 'awaiting' | 'confirming' | 'unavailable' | 'refused' | 'expired'

/** An order, for whoever holds its unguessable link (the emails carry it). */
export default async function orderRoutes(app: FastifyInstance) {
  const byToken = (token: string) =>
    /^[\w-]{20,64}$/.test(token) ? selectOrderByAccessToken(app.db, token) : Promise.resolve(undefined)
  // Kept by nobody, not even a wrong link's 404: a shared cache would otherwise answer for a link it has seen before.
  const personal = { config: { cacheControl: 'private, no-store' } }

  app.get<{ Params: { token: string }; Querystring: { payment?: string } }>(
    '/orders/:token',
    personal,
    async (request, reply) => {
      const order = await byToken(request.params.token)
      return orderPage(app, reply, order, {
        invoicePath: `/orders/${request.params.token}/invoice.pdf`,
        // Stripe sends the shopper back here with ?payment=done; only its webhook makes the order paid.
        returned: request.query.payment === 'done',
      })
    },
  )

  // Where an order paid on the provider's page is paid: on to its payment there, or back to the order saying why not.
  app.get<{ Params: { token: string } }>('/orders/:token/payment', personal, async (request, reply) => {
    const order = await byToken(request.params.token)
    if (!order) return reply.callNotFound()
    const orderUrl = `${siteOrigin(app.config, request)}/orders/${order.access_token}`
    const page = await paymentPage(app.db, app.payments, order, {
      success: `${orderUrl}?payment=done`,
      cancel: orderUrl,
    })
    const invoicePath = `/orders/${request.params.token}/invoice.pdf`
    switch (page.kind) {
      case 'redirect':
        return reply.header('referrer-policy', 'no-referrer').redirect(page.url, 303)
      case 'settled':
        return reply.redirect(`/orders/${order.access_token}`, 303)
      case 'expired':
        return orderPage(app, reply.code(410), order, { invoicePath, notice: 'expired' })
      case 'unavailable':
        request.log.error({ err: page.error, order: order.number }, 'Stripe did not open a payment')
        // Stripe unreachable or busy: try again soon. Refused (a bad key, an amount it will not take): staff must act.
        if (page.temporary) {
          reply.header('retry-after', '60')
          return orderPage(app, reply.code(503), order, { invoicePath, notice: 'unavailable' })
        }
        return orderPage(app, reply.code(502), order, { invoicePath, notice: 'refused' })
    }
  })

  app.get<{ Params: { token: string } }>('/orders/:token/invoice.pdf', personal, async (request, reply) =>
    sendInvoice(app, reply, await byToken(request.params.token)),
  )
}

/** The order page, for the guest link and the customer's account alike; an unknown order is 404. */
export async function orderPage(
  app: FastifyInstance,
  reply: FastifyReply,
  order: Order | undefined,
  options: { invoicePath: string; history?: boolean; returned?: boolean; notice?: PaymentNotice },
) {
  if (!order) return reply.callNotFound()
  const hosted = isHostedMethod(order.payment_method)
  const unpaid = hosted && order.payment_status === 'pending' && !order.cancelled_at
  const shop = await getShopSettings(app.db)
  // Personal, and its address may be a secret link: kept by nobody, and never sent on as a Referer.
  reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer')
  return reply.render('orders/show', {
    title: `Order #${order.number}`,
    noindex: true,
    ...options,
    ...(await orderSummary(app.db, order, shop)),
    countryName: (code: string) => countryName(code, shop.locale),
    paymentLabels: PAYMENT_METHOD_LABELS,
    paymentNotice: unpaid ? (options.notice ?? (options.returned ? 'confirming' : 'awaiting')) : null,
    paymentPath: `/orders/${order.access_token}/payment`,
    // An order paid on the provider's page is confirmed by email once paid.
    confirmationSent: !hosted || order.paid_at !== null,
    unpaidMinutes: HOSTED_UNPAID_MINUTES,
  })
}

/** A paid order's invoice as a PDF download; an unpaid, cancelled or unknown order has none (404). */
export async function sendInvoice(app: FastifyInstance, reply: FastifyReply, order: Order | undefined) {
  if (!order || order.invoice_number === null) return reply.callNotFound()
  const shop = await getShopSettings(app.db)
  const pdf = await renderInvoicePdf(await orderSummary(app.db, order, shop), shop, (code) =>
    countryName(code, shop.locale),
  )
  return reply
    .type('application/pdf')
    .header('cache-control', 'private, no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-disposition', `attachment; filename="invoice-${invoiceLabel(order.invoice_number)}.pdf"`)
    .send(pdf)
}

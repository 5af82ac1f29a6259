import type { FastifyInstance, FastifyReply } from 'fastify'
import { countryName, PAYMENT_METHOD_LABELS } from '../../modules/orders/checkout.service.js'
import { invoiceLabel, renderInvoicePdf } from '../../modules/orders/invoice.js'
import { selectOrderByAccessToken } from '../../modules/orders/orders.repository.js'
import { type Order, orderSummary } from '../../modules/orders/place-order.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'

/** An order, for whoever holds its unguessable link (the emails carry it). */
export default async function orderRoutes(app: FastifyInstance) {
  const byToken = (token: string) =>
    /^[\w-]{20,64}$/.test(token) ? selectOrderByAccessToken(app.db, token) : Promise.resolve(undefined)

  app.get<{ Params: { token: string } }>('/orders/:token', async (request, reply) => {
    const order = await byToken(request.params.token)
    return orderPage(app, reply, order, { invoicePath: `/orders/${request.params.token}/invoice.pdf` })
  })

  app.get<{ Params: { token: string } }>('/orders/:token/invoice.pdf', async (request, reply) =>
    sendInvoice(app, reply, await byToken(request.params.token)),
  )
}

/** The order page, for the guest link and the customer's account alike; an unknown order is 404. */
export async function orderPage(
  app: FastifyInstance,
  reply: FastifyReply,
  order: Order | undefined,
  options: { invoicePath: string; history?: boolean },
) {
  if (!order) return reply.callNotFound()
  const shop = await getShopSettings(app.db)
  // Personal, and its address may be a secret link: kept by nobody, and never sent on as a Referer.
  reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer')
  return reply.render('shop/orders/show', {
    title: `Order #${order.number}`,
    noindex: true,
    ...options,
    ...(await orderSummary(app.db, order, shop)),
    countryName: (code: string) => countryName(code, shop.locale),
    paymentLabels: PAYMENT_METHOD_LABELS,
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

import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { csvLines } from '../../lib/csv.js'
import { parseId } from '../../lib/ids.js'
import { decimalAmount, formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { keysetLinks, withFilters } from '../../lib/pagination.js'
import { validate } from '../../lib/validation.js'
import { countryName } from '../../modules/orders/checkout.service.js'
import { fulfilOrder, linesToSend } from '../../modules/orders/fulfilment.js'
import { invoiceLabel, renderPackingSlipPdf } from '../../modules/orders/invoice.js'
import {
  cancellationInput,
  fulfilmentInput,
  lineQuantities,
  orderNoteInput,
  refundInput,
} from '../../modules/orders/order-admin.forms.js'
import { addOrderNote, cancelByStaff, markPaidByStaff, orderActions } from '../../modules/orders/order-admin.service.js'
import { listOrders, orderListFilter } from '../../modules/orders/order-list.js'
import {
  selectFulfilments,
  selectIdRange,
  selectOrderByNumber,
  selectOrderEvents,
  selectOrderList,
  selectRefunds,
} from '../../modules/orders/orders.repository.js'
import { orderSummary } from '../../modules/orders/place-order.js'
import { refundable, refundOrder } from '../../modules/orders/refunds.js'
import { isHostedMethod, PAYMENT_METHOD_LABELS } from '../../modules/payments/payment-methods.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { signedInUser } from '../../plugins/auth.js'
import { siteOrigin } from '../../plugins/csrf.js'
import { sendInvoice } from '../orders.js'

type NumberParams = { Params: { number: string } }

/**
 * Orders in the back office: the list (filters, search, keyset pages), an
 * order with its timeline, and the changes as resources of their own —
 * payment, cancellation (confirmed on a page of its own) and notes.
 */
export default async function orderRoutes(app: FastifyInstance) {
  const numberOf = (request: FastifyRequest<NumberParams>) => parseId(request.params.number)
  const money = async () => {
    const shop = await getShopSettings(app.db)
    return (minor: number, currency: string) => formatMoney(minor, currency, shop.locale)
  }

  app.get<{ Querystring: Record<string, string> }>('/admin/orders', async (request, reply) => {
    const checked = validate(orderListFilter, request.query)
    const filter = checked.ok ? checked.value : orderListFilter.parse({})
    const { orders, olderThan } = checked.ok ? await listOrders(app.db, filter) : { orders: [], olderThan: null }
    return reply.code(checked.ok ? 200 : 422).render('admin/orders/index', {
      title: 'Orders',
      values: request.query,
      errors: checked.ok ? {} : checked.errors,
      orders,
      money: await money(),
      paymentLabels: PAYMENT_METHOD_LABELS,
      csvHref: withFilters('/admin/orders.csv', {
        q: filter.q,
        payment: filter.payment,
        fulfilment: filter.fulfilment,
        from: filter.from,
        to: filter.to,
      }),
      ...keysetLinks(
        '/admin/orders',
        { q: filter.q, payment: filter.payment, fulfilment: filter.fulfilment, from: filter.from, to: filter.to },
        olderThan,
        filter.before,
      ),
    })
  })

  // The list as a spreadsheet: exactly the orders the same filters show, streamed in keyset pages.
  app.get<{ Querystring: Record<string, string> }>('/admin/orders.csv', async (request, reply) => {
    const checked = validate(orderListFilter, request.query)
    if (!checked.ok)
      return reply.code(422).type('text/plain; charset=utf-8').send(Object.values(checked.errors).join('\n'))
    const filter = checked.value
    const range = await selectIdRange(app.db, filter.from, filter.to)
    const lines = csvLines(
      [
        'number',
        'placed_at',
        'name',
        'email',
        'payment_method',
        'payment_status',
        'fulfilment_status',
        'cancelled_at',
        'currency',
        'total',
      ],
      (before, batch) =>
        range === 'none'
          ? Promise.resolve([])
          : selectOrderList(
              app.db,
              withFields(filter, { before: before === null ? filter.before : String(before) }),
              range,
              batch,
            ),
      (o) => [
        o.number,
        o.placed_at,
        o.name,
        o.email,
        o.payment_method,
        o.payment_status,
        o.fulfilment_status,
        o.cancelled_at,
        o.currency,
        decimalAmount(o.total, o.currency),
      ],
    )
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment; filename="orders.csv"')
      .send(Readable.from(lines))
  })

  /** The order page; `extra` carries a re-rendered form's values and errors. */
  async function orderPage(reply: FastifyReply, number: number, extra: Record<string, unknown> = {}) {
    const order = await selectOrderByNumber(app.db, number)
    if (!order) return reply.callNotFound()
    const shop = await getShopSettings(app.db)
    const toSend = await linesToSend(app.db, order.id)
    const actions = orderActions(order, await refundable(app.db, order))
    return reply.render('admin/orders/show', {
      title: `Order #${order.number}`,
      ...(await orderSummary(app.db, order, shop)),
      events: await selectOrderEvents(app.db, order.id),
      fulfilments: await selectFulfilments(app.db, order.id),
      refunds: await selectRefunds(app.db, order.id),
      toSend: actions.canSend ? toSend.filter((line) => line.left > 0) : [],
      ...actions,
      countryName: (code: string) => countryName(code, shop.locale),
      paymentLabels: PAYMENT_METHOD_LABELS,
      invoiceLabel,
      errors: {},
      values: {},
      ...extra,
    })
  }

  app.get<NumberParams>('/admin/orders/:number', async (request, reply) => orderPage(reply, numberOf(request)))

  app.post<NumberParams>('/admin/orders/:number/payment', async (request, reply) => {
    const number = numberOf(request)
    const result = await markPaidByStaff(app.db, number, signedInUser(request), siteOrigin(app.config, request))
    if (result.kind === 'missing') return reply.callNotFound()
    if (result.kind === 'refused') {
      request.flash('error', result.message)
      return reply.redirect(`/admin/orders/${number}`, 303)
    }
    app.wakeMailWorker()
    request.flash('success', `Order #${number} is marked as paid, and the customer is emailed.`)
    return reply.redirect(`/admin/orders/${number}`, 303)
  })

  app.post<NumberParams>('/admin/orders/:number/fulfilments', async (request, reply) => {
    const number = numberOf(request)
    const order = await selectOrderByNumber(app.db, number)
    if (!order) return reply.callNotFound()
    const parcel = validate(fulfilmentInput, request.body)
    const quantities = lineQuantities(request.body, await linesToSend(app.db, order.id))
    const errors = withFields(quantities.ok ? {} : quantities.errors, parcel.ok ? {} : parcel.errors)
    if (!parcel.ok || !quantities.ok) return orderPage(reply.code(422), number, { values: request.body ?? {}, errors })
    const result = await fulfilOrder(
      app.db,
      number,
      signedInUser(request),
      withFields(parcel.value, { quantities: quantities.quantities }),
      siteOrigin(app.config, request),
    )
    if (result.kind === 'missing') return reply.callNotFound()
    if (result.kind === 'invalid')
      return orderPage(reply.code(422), number, { values: request.body ?? {}, errors: result.errors })
    if (result.kind === 'refused') {
      request.flash('error', result.message)
      return reply.redirect(`/admin/orders/${number}`, 303)
    }
    app.wakeMailWorker()
    request.flash(
      'success',
      `${result.status === 'fulfilled' ? 'Order' : 'Part of order'} #${number} is sent, and the customer is emailed.`,
    )
    return reply.redirect(`/admin/orders/${number}`, 303)
  })

  /** The refund form is its own page: it is the confirmation, and says how much is left to give back. */
  async function refundPage(reply: FastifyReply, number: number, extra: Record<string, unknown> = {}) {
    const order = await selectOrderByNumber(app.db, number)
    if (!order) return reply.callNotFound()
    return reply.render('admin/orders/refund', {
      title: `Refund order #${order.number}`,
      order,
      left: await refundable(app.db, order),
      money: await money(),
      byStripe: isHostedMethod(order.payment_method),
      values: {},
      errors: {},
      ...extra,
    })
  }

  app.get<NumberParams>('/admin/orders/:number/refund', async (request, reply) => refundPage(reply, numberOf(request)))

  app.post<NumberParams>('/admin/orders/:number/refunds', async (request, reply) => {
    const number = numberOf(request)
    const checked = validate(refundInput, request.body)
    if (!checked.ok) return refundPage(reply.code(422), number, { values: request.body ?? {}, errors: checked.errors })
    const result = await refundOrder(app.db, app.payments, number, signedInUser(request), checked.value)
    if (result.kind === 'missing') return reply.callNotFound()
    if (result.kind === 'invalid')
      return refundPage(reply.code(422), number, { values: request.body ?? {}, errors: result.errors })
    if (result.kind === 'refused') {
      request.flash('error', result.message)
      return reply.redirect(`/admin/orders/${number}`, 303)
    }
    const format = await money()
    const order = await selectOrderByNumber(app.db, number)
    request.flash('success', `Refunded ${format(result.amount, order?.currency ?? 'GBP')} of order #${number}.`)
    return reply.redirect(`/admin/orders/${number}`, 303)
  })

  app.get<NumberParams>('/admin/orders/:number/packing-slip.pdf', async (request, reply) => {
    const order = await selectOrderByNumber(app.db, numberOf(request))
    if (!order) return reply.callNotFound()
    const shop = await getShopSettings(app.db)
    const pdf = await renderPackingSlipPdf(
      await orderSummary(app.db, order, shop),
      shop,
      (code) => countryName(code, shop.locale),
      await linesToSend(app.db, order.id),
    )
    return reply
      .type('application/pdf')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `inline; filename="packing-slip-${order.number}.pdf"`)
      .send(pdf)
  })

  app.get<NumberParams>('/admin/orders/:number/invoice.pdf', async (request, reply) =>
    sendInvoice(app, reply, await selectOrderByNumber(app.db, numberOf(request))),
  )

  /** Cancelling is confirmed on a page of its own: no script needed to ask "are you sure?". */
  async function cancellationPage(reply: FastifyReply, number: number, extra: Record<string, unknown> = {}) {
    const order = await selectOrderByNumber(app.db, number)
    if (!order) return reply.callNotFound()
    return reply.render('admin/orders/cancel', {
      title: `Cancel order #${order.number}`,
      order,
      money: await money(),
      values: { reason: 'We are sorry, but we cannot send this order.' },
      errors: {},
      ...extra,
    })
  }

  app.get<NumberParams>('/admin/orders/:number/cancellation', async (request, reply) =>
    cancellationPage(reply, numberOf(request)),
  )

  app.post<NumberParams>('/admin/orders/:number/cancellation', async (request, reply) => {
    const number = numberOf(request)
    const checked = validate(cancellationInput, request.body)
    if (!checked.ok)
      return cancellationPage(reply.code(422), number, { values: request.body ?? {}, errors: checked.errors })
    const result = await cancelByStaff(
      app.db,
      number,
      signedInUser(request),
      checked.value.reason,
      siteOrigin(app.config, request),
    )
    if (result.kind === 'missing') return reply.callNotFound()
    if (result.kind === 'refused') {
      request.flash('error', result.message)
      return reply.redirect(`/admin/orders/${number}`, 303)
    }
    app.wakeMailWorker()
    request.flash('success', `Order #${number} is cancelled: the stock is back on sale and the customer is emailed.`)
    return reply.redirect(`/admin/orders/${number}`, 303)
  })

  app.post<NumberParams>('/admin/orders/:number/notes', async (request, reply) => {
    const number = numberOf(request)
    const checked = validate(orderNoteInput, request.body)
    if (!checked.ok) return orderPage(reply.code(422), number, { values: request.body ?? {}, errors: checked.errors })
    if (!(await addOrderNote(app.db, number, signedInUser(request), checked.value.note))) return reply.callNotFound()
    request.flash('success', 'The note is added.')
    return reply.redirect(`/admin/orders/${number}#timeline`, 303)
  })
}

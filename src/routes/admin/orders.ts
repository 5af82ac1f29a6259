import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { formatMoney } from '../../lib/money.js'
import { validate } from '../../lib/validation.js'
import { countryName } from '../../modules/orders/checkout.service.js'
import { cancellationInput, orderNoteInput } from '../../modules/orders/order-admin.forms.js'
import { addOrderNote, cancelByStaff, markPaidByStaff } from '../../modules/orders/order-admin.service.js'
import { listOrders, orderListFilter } from '../../modules/orders/order-list.js'
import { selectOrderByNumber, selectOrderEvents } from '../../modules/orders/orders.repository.js'
import { orderSummary } from '../../modules/orders/place-order.js'
import { isHostedMethod, PAYMENT_METHOD_LABELS } from '../../modules/payments/payment-methods.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { signedInUser } from '../../plugins/auth.js'
import { siteOrigin } from '../../plugins/csrf.js'
import type { AdminNavItem } from './index.js'

type NumberParams = { Params: { number: string } }

/**
 * Orders in the back office: the list (filters, search, keyset pages), an
 * order with its timeline, and the changes as resources of their own —
 * payment, cancellation (confirmed on a page of its own) and notes.
 */
export default async function orderRoutes(app: FastifyInstance, opts: { nav: AdminNavItem[] }) {
  const numberOf = (request: FastifyRequest<NumberParams>) =>
    /^[1-9]\d{0,8}$/.test(request.params.number) ? Number(request.params.number) : 0
  const money = async () => {
    const shop = await getShopSettings(app.db)
    return (minor: number, currency: string) => formatMoney(minor, currency, shop.locale)
  }

  app.get<{ Querystring: Record<string, string> }>('/admin/orders', async (request, reply) => {
    const checked = validate(orderListFilter, request.query)
    const filter = checked.ok ? checked.value : orderListFilter.parse({})
    const { orders, olderThan } = checked.ok ? await listOrders(app.db, filter) : { orders: [], olderThan: null }
    const query = (extra: Record<string, string>) =>
      new URLSearchParams(
        Object.entries({ ...request.query, ...extra }).filter(([, value]) => typeof value === 'string' && value !== ''),
      ).toString()
    return reply.code(checked.ok ? 200 : 422).render('admin/orders/index', {
      title: 'Orders',
      adminNav: opts.nav,
      values: request.query,
      errors: checked.ok ? {} : checked.errors,
      orders,
      money: await money(),
      paymentLabels: PAYMENT_METHOD_LABELS,
      olderHref: olderThan ? `/admin/orders?${query({ before: String(olderThan) })}` : null,
      newestHref: filter.before ? `/admin/orders?${query({ before: '' })}` : null,
    })
  })

  /** The order page; `extra` carries a re-rendered form's values and errors. */
  async function orderPage(reply: FastifyReply, number: number, extra: Record<string, unknown> = {}) {
    const order = await selectOrderByNumber(app.db, number)
    if (!order) return reply.callNotFound()
    const shop = await getShopSettings(app.db)
    return reply.render('admin/orders/show', {
      title: `Order #${order.number}`,
      adminNav: opts.nav,
      ...(await orderSummary(app.db, order, shop)),
      events: await selectOrderEvents(app.db, order.id),
      countryName: (code: string) => countryName(code, shop.locale),
      paymentLabels: PAYMENT_METHOD_LABELS,
      canMarkPaid: order.payment_status === 'pending' && !order.cancelled_at && !isHostedMethod(order.payment_method),
      canCancel: !order.cancelled_at && order.fulfilment_status === 'unfulfilled',
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

  /** Cancelling is confirmed on a page of its own: no script needed to ask "are you sure?". */
  async function cancellationPage(reply: FastifyReply, number: number, extra: Record<string, unknown> = {}) {
    const order = await selectOrderByNumber(app.db, number)
    if (!order) return reply.callNotFound()
    return reply.render('admin/orders/cancel', {
      title: `Cancel order #${order.number}`,
      adminNav: opts.nav,
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

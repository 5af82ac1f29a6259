import type { FastifyInstance, FastifyRequest } from 'fastify'
import { formValues } from '../../lib/forms.js'
import { parseId } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { sendParcel } from '../../modules/orders/fulfilment.js'
import {
  cancellationInput,
  fulfilmentInput,
  orderNoteInput,
  refundInput,
} from '../../modules/orders/order-admin.forms.js'
import { addOrderNote, cancelByStaff, markPaidByStaff } from '../../modules/orders/order-admin.service.js'
import { adminOrderPage, cancellationPage, packingSlipPdf, refundPage } from '../../modules/orders/order-admin-pages.js'
import { orderListCsv, orderListInput, orderListPage } from '../../modules/orders/order-list.js'
import { invoicePdf } from '../../modules/orders/order-pages.js'
import { refundOrder } from '../../modules/orders/refunds.js'
import { signedInUser } from '../../plugins/auth.js'
import { siteOrigin } from '../../plugins/csrf.js'

type NumberParams = { Params: { number: string } }

/**
 * Orders in the back office: the list (filters, search, keyset pages), an
 * order with its timeline, and the changes as resources of their own —
 * payment, parcels, refunds and cancellation (each confirmed on a page of its
 * own where it needs to be) and notes.
 */
export default async function orderRoutes(app: FastifyInstance) {
  const numberOf = (request: FastifyRequest<NumberParams>) => parseId(request.params.number)
  const orderPath = (number: number) => `/admin/orders/${number}`
  /** Back to the order after a change its customer is emailed about, the email sent at once. */
  const emailed = (number: number, flash: string) => {
    app.wakeMailWorker()
    return { to: orderPath(number), flash }
  }

  app.get('/admin/orders', async (request, reply) => {
    const page = await orderListPage(app.db, validate(orderListInput, request.query))
    return reply.show('admin/orders/index', { ...page, values: formValues(request.query) })
  })

  app.get('/admin/orders.csv', async (request, reply) => {
    return reply.spreadsheet('orders.csv', validate(orderListInput, request.query), (filter) =>
      orderListCsv(app.db, filter),
    )
  })

  app.get<NumberParams>('/admin/orders/:number', async (request, reply) =>
    reply.show('admin/orders/show', await adminOrderPage(app.db, numberOf(request))),
  )

  app.post<NumberParams>('/admin/orders/:number/payment', async (request, reply) => {
    const number = numberOf(request)
    const result = await markPaidByStaff(app.db, number, signedInUser(request), siteOrigin(app.config, request))
    return reply.answer(result, {
      done: () => emailed(number, `Order #${number} is marked as paid, and the customer is emailed.`),
      back: orderPath(number),
    })
  })

  app.post<NumberParams>('/admin/orders/:number/fulfilments', async (request, reply) => {
    const number = numberOf(request)
    const result = await withValid(validate(fulfilmentInput, request.body), (input) =>
      sendParcel(app.db, number, signedInUser(request), input, siteOrigin(app.config, request)),
    )
    return reply.answer(result, {
      done: (parcel) =>
        emailed(
          number,
          `${parcel.status === 'fulfilled' ? 'Order' : 'Part of order'} #${number} is sent, and the customer is emailed.`,
        ),
      back: orderPath(number),
      form: async (sent) => reply.show('admin/orders/show', await adminOrderPage(app.db, number, sent)),
    })
  })

  app.get<NumberParams>('/admin/orders/:number/refund', async (request, reply) =>
    reply.show('admin/orders/refund', await refundPage(app.db, numberOf(request))),
  )

  app.post<NumberParams>('/admin/orders/:number/refunds', async (request, reply) => {
    const number = numberOf(request)
    const result = await withValid(validate(refundInput, request.body), (input) =>
      refundOrder(app.db, app.payments, number, signedInUser(request), input),
    )
    return reply.answer(result, {
      done: (refund) => ({ to: orderPath(number), flash: `Refunded ${refund.shown} of order #${number}.` }),
      back: orderPath(number),
      form: async (sent) => reply.show('admin/orders/refund', await refundPage(app.db, number, sent)),
    })
  })

  app.get<NumberParams>('/admin/orders/:number/packing-slip.pdf', async (request, reply) => {
    return reply.personalFile(await packingSlipPdf(app.db, numberOf(request)), 'inline')
  })

  app.get<NumberParams>('/admin/orders/:number/invoice.pdf', async (request, reply) => {
    const invoice = await invoicePdf(app.db, { number: numberOf(request) })
    return reply.personalFile(invoice)
  })

  app.get<NumberParams>('/admin/orders/:number/cancellation', async (request, reply) =>
    reply.show('admin/orders/cancel', await cancellationPage(app.db, numberOf(request))),
  )

  app.post<NumberParams>('/admin/orders/:number/cancellation', async (request, reply) => {
    const number = numberOf(request)
    const result = await withValid(validate(cancellationInput, request.body), (input) =>
      cancelByStaff(app.db, number, signedInUser(request), input.reason, siteOrigin(app.config, request)),
    )
    return reply.answer(result, {
      done: () =>
        emailed(number, `Order #${number} is cancelled: the stock is back on sale and the customer is emailed.`),
      back: orderPath(number),
      form: async (sent) => reply.show('admin/orders/cancel', await cancellationPage(app.db, number, sent)),
    })
  })

  app.post<NumberParams>('/admin/orders/:number/notes', async (request, reply) => {
    const number = numberOf(request)
    const result = await withValid(validate(orderNoteInput, request.body), (input) =>
      addOrderNote(app.db, number, signedInUser(request), input.note),
    )
    return reply.answer(result, {
      done: () => ({ to: `${orderPath(number)}#timeline`, flash: 'The note is added.' }),
      back: orderPath(number),
      form: async (sent) => reply.show('admin/orders/show', await adminOrderPage(app.db, number, sent)),
    })
  })
}

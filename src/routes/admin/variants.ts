import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import { stockAdjustmentInput } from '../../modules/stock/stock.forms.js'
import { adjustStock, variantStockPage } from '../../modules/stock/stock.service.js'
import { signedInUser } from '../../plugins/auth.js'

/** A variant's stock: what there is, every change that made it so (the ledger), and an adjustment with a reason. */
export default async function stockRoutes(app: FastifyInstance) {
  async function page(reply: FastifyReply, id: number, sent?: { values: Record<string, string>; errors: FieldErrors }) {
    const stock = await variantStockPage(app.db, id, sent)
    return reply.show('admin/variants/show', stock)
  }

  app.get<IdParams>('/admin/variants/:id', async (request, reply) => page(reply, idOf(request)))

  app.post<IdParams>('/admin/variants/:id/stock-adjustments', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(stockAdjustmentInput, request.body), (input) =>
      adjustStock(app.db, id, signedInUser(request), input),
    )
    return reply.answer(result, {
      done: ({ stock }) => ({ to: `/admin/variants/${id}`, flash: `The stock is now ${stock}.` }),
      back: `/admin/variants/${id}`,
      form: (sent) => page(reply, id, sent),
    })
  })
}

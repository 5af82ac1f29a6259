import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { validate } from '../../lib/validation.js'
import { stockAdjustmentInput } from '../../modules/stock/stock.forms.js'
import { selectStockLedger, selectVariantForStock } from '../../modules/stock/stock.repository.js'
import { adjustStock } from '../../modules/stock/stock.service.js'
import { signedInUser } from '../../plugins/auth.js'

/** A variant's stock: what there is, every change that made it so (the ledger), and an adjustment with a reason. */
export default async function stockRoutes(app: FastifyInstance) {
  async function page(reply: FastifyReply, id: number, extra: Record<string, unknown> = {}) {
    const variant = await selectVariantForStock(app.db, id)
    if (!variant) return reply.callNotFound()
    return reply.render('admin/variants/show', {
      title: `Stock of ${variant.title} (${variant.sku})`,
      variant,
      ledger: await selectStockLedger(app.db, id),
      values: {},
      errors: {},
      ...extra,
    })
  }

  app.get<IdParams>('/admin/variants/:id', async (request, reply) => page(reply, idOf(request)))

  app.post<IdParams>('/admin/variants/:id/stock-adjustments', async (request, reply) => {
    const id = idOf(request)
    const checked = validate(stockAdjustmentInput, request.body)
    const result = checked.ok ? await adjustStock(app.db, id, signedInUser(request), checked.value) : checked
    if ('errors' in result) return page(reply.code(422), id, { values: request.body ?? {}, errors: result.errors })
    if (result.kind === 'missing') return reply.callNotFound()
    request.flash('success', `The stock is now ${result.stock}.`)
    return reply.redirect(`/admin/variants/${id}`, 303)
  })
}

import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { decimalAmount, formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { validate } from '../../lib/validation.js'
import { loadCategoryTree } from '../../modules/catalogue/catalogue.service.js'
import { discountInput } from '../../modules/discounts/discount.forms.js'
import {
  createDiscount,
  discountRunState,
  endDiscount,
  updateDiscount,
} from '../../modules/discounts/discount-admin.service.js'
import { selectDiscount, selectDiscounts, selectDiscountUses } from '../../modules/discounts/discounts.repository.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { signedInUser } from '../../plugins/auth.js'

type Discount = NonNullable<Awaited<ReturnType<typeof selectDiscount>>>

/** Discount codes: the list with their uses, create, edit (new and edit share one form), and end (confirmed first). */
export default async function discountRoutes(app: FastifyInstance) {
  async function context() {
    const shop = await getShopSettings(app.db)
    const tree = await loadCategoryTree(app.db)
    const categories = [...tree.byId.values()]
      .map((c) => ({ id: c.id, name: c.name }))
      .sort((a, b) => a.name.localeCompare(b.name))
    return {
      shop,
      categories,
      schema: discountInput(
        shop.currency,
        categories.map((c) => c.id),
      ),
      money: (minor: number) => formatMoney(minor, shop.currency, shop.locale),
    }
  }

  /** A stored code as the form shows it. */
  function formValues(d: Discount, currency: string) {
    return {
      code: d.code,
      kind: d.kind,
      value:
        d.kind === 'percentage' ? String(d.value / 100) : d.kind === 'fixed' ? decimalAmount(d.value, currency) : '',
      category_id: d.category_id === null ? '' : String(d.category_id),
      minimum_subtotal: d.minimum_subtotal === null ? '' : decimalAmount(d.minimum_subtotal, currency),
      starts: d.starts_at?.slice(0, 10) ?? '',
      ends: d.ends_at?.slice(0, 10) ?? '',
      usage_limit: d.usage_limit === null ? '' : String(d.usage_limit),
      per_customer_limit: d.per_customer_limit === null ? '' : String(d.per_customer_limit),
    }
  }

  app.get('/admin/discounts', async (_request, reply) => {
    const { money } = await context()
    return reply.render('admin/discounts/index', {
      title: 'Discount codes',
      discounts: (await selectDiscounts(app.db)).map((d) => withFields(d, { runs: discountRunState(d).label })),
      money,
    })
  })

  async function formPage(reply: FastifyReply, discount: Discount | null, extra: Record<string, unknown> = {}) {
    const { categories, shop, money } = await context()
    return reply.render(discount ? 'admin/discounts/edit' : 'admin/discounts/new', {
      title: discount ? `Discount code ${discount.code}` : 'New discount code',
      discount,
      ended: discount ? discountRunState(discount).ended : false,
      categories,
      currency: shop.currency,
      money,
      uses: discount ? await selectDiscountUses(app.db, discount.id, 50) : [],
      values: discount ? formValues(discount, shop.currency) : { kind: 'percentage' },
      errors: {},
      ...extra,
    })
  }

  app.get('/admin/discounts/new', async (_request, reply) => formPage(reply, null))

  app.post('/admin/discounts', async (request, reply) => {
    const { schema } = await context()
    const checked = validate(schema, request.body)
    const result = checked.ok ? await createDiscount(app.db, checked.value, signedInUser(request)) : checked
    if ('errors' in result)
      return formPage(reply.code(422), null, { values: request.body ?? {}, errors: result.errors })
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The discount code is saved.')
    return reply.redirect(`/admin/discounts/${result.id}`, 303)
  })

  app.get<IdParams>('/admin/discounts/:id', async (request, reply) => {
    const discount = await selectDiscount(app.db, idOf(request))
    return discount ? formPage(reply, discount) : reply.callNotFound()
  })

  app.post<IdParams>('/admin/discounts/:id', async (request, reply) => {
    const discount = await selectDiscount(app.db, idOf(request))
    if (!discount) return reply.callNotFound()
    const { schema } = await context()
    const checked = validate(schema, request.body)
    const result = checked.ok
      ? await updateDiscount(app.db, discount.id, checked.value, signedInUser(request))
      : checked
    if ('errors' in result)
      return formPage(reply.code(422), discount, { values: request.body ?? {}, errors: result.errors })
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The discount code is saved.')
    return reply.redirect(`/admin/discounts/${discount.id}`, 303)
  })

  app.get<IdParams>('/admin/discounts/:id/ending', async (request, reply) => {
    const discount = await selectDiscount(app.db, idOf(request))
    if (!discount) return reply.callNotFound()
    return reply.render('admin/discounts/end', { title: `End ${discount.code}`, discount })
  })

  app.post<IdParams>('/admin/discounts/:id/ending', async (request, reply) => {
    const result = await endDiscount(app.db, idOf(request), signedInUser(request))
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The discount code has ended: it no longer applies.')
    return reply.redirect(`/admin/discounts/${result.id}`, 303)
  })
}

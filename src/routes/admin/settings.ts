import type { FastifyInstance, FastifyReply } from 'fastify'
import { validate } from '../../lib/validation.js'
import { PAYMENT_METHOD_LABELS, PAYMENT_METHODS } from '../../modules/payments/payment-methods.js'
import { settingsInput } from '../../modules/settings/settings.forms.js'
import { getShopSettings, saveShopSettings } from '../../modules/settings/settings.service.js'
import { signedInUser } from '../../plugins/auth.js'
import type { AdminNavItem } from './index.js'

/** Owners: the shop's settings, on one form in sections. */
export default async function settingsRoutes(app: FastifyInstance, opts: { nav: AdminNavItem[] }) {
  async function page(reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const shop = await getShopSettings(app.db)
    return reply.render('admin/settings/edit', {
      title: 'Settings',
      adminNav: opts.nav,
      methods: PAYMENT_METHODS.map((id) => ({ id, label: PAYMENT_METHOD_LABELS[id] })),
      stripeReady: app.payments.stripe !== null,
      defaultMailFrom: app.config.mailFrom,
      values: {
        ...shop,
        pricesIncludeTax: shop.pricesIncludeTax ? 'yes' : 'no',
        bankTransferReminderDays: String(shop.bankTransferReminderDays),
        bankTransferCancelDays: String(shop.bankTransferCancelDays),
      },
      errors: {},
      ...extra,
    })
  }

  app.get('/admin/settings', async (_request, reply) => page(reply))

  app.post('/admin/settings', async (request, reply) => {
    const checked = validate(settingsInput, request.body)
    if (!checked.ok) {
      const body = (request.body ?? {}) as Record<string, unknown>
      const chosen = body.paymentMethods
      return page(reply.code(422), {
        values: { ...body, paymentMethods: Array.isArray(chosen) ? chosen : chosen ? [chosen] : [] },
        errors: checked.errors,
      })
    }
    const changed = await saveShopSettings(app.db, signedInUser(request), checked.value)
    request.flash('success', changed.length ? 'The settings are saved.' : 'Nothing had changed.')
    return reply.redirect('/admin/settings', 303)
  })
}

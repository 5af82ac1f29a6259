import type { FastifyInstance, FastifyReply } from 'fastify'
import { validate } from '../../../lib/validation.js'
import { PAYMENT_METHOD_LABELS, PAYMENT_METHODS } from '../../../modules/payments/payment-methods.js'
import { countryChoices } from '../../../modules/settings/countries.js'
import { type Choice, currencyChoices, languageChoices } from '../../../modules/settings/locales.js'
import { settingsInput } from '../../../modules/settings/settings.forms.js'
import { getShopSettings, saveShopSettings } from '../../../modules/settings/settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

/**
 * A list's options for a select: a value that is not one of them (a shop set
 * up before the lists, or a form sent back with a made-up value) gets a first,
 * empty option chosen instead of the browser silently choosing the list's first.
 */
function optionsFor(choices: Choice[], value: unknown, prompt: string): [string, string][] {
  const options = choices.map((c): [string, string] => [c.value, c.label])
  return choices.some((c) => c.value === value) ? options : [['', prompt], ...options]
}

/** Owners: the shop's settings, on one form in sections. */
export default async function settingsRoutes(app: FastifyInstance) {
  const currencies = currencyChoices()
  const languages = languageChoices()

  async function page(reply: FastifyReply, extra: { values?: Record<string, unknown>; errors?: unknown } = {}) {
    const shop = await getShopSettings(app.db)
    const values = extra.values ?? {
      ...shop,
      pricesIncludeTax: shop.pricesIncludeTax ? 'yes' : 'no',
      bankTransferReminderDays: String(shop.bankTransferReminderDays),
      bankTransferCancelDays: String(shop.bankTransferCancelDays),
    }
    const countries = countryChoices(shop.locale).map((c) => ({ value: c.code, label: c.name }))
    return reply.render('admin/settings/edit', {
      title: 'Settings',
      currencyOptions: optionsFor(currencies, values.currency, 'Choose a currency'),
      languageOptions: optionsFor(languages, values.locale, 'Choose a language and region'),
      countryOptions: optionsFor(countries, values.country, 'Choose a country'),
      methods: PAYMENT_METHODS.map((id) => ({ id, label: PAYMENT_METHOD_LABELS[id] })),
      stripeReady: app.payments.stripe !== null,
      defaultMailFrom: app.config.mailFrom,
      values,
      errors: extra.errors ?? {},
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

import type { FastifyInstance, FastifyReply } from 'fastify'
import { withValid } from '../../../lib/outcomes.js'
import { type FieldErrors, validate } from '../../../lib/validation.js'
import { taxCountryInput, taxRatesInput, taxRowParams } from '../../../modules/settings/tax.forms.js'
import {
  addTaxCountry,
  removeTaxCountry,
  taxRatesPage,
  taxRemovalPage,
  taxSettingsPage,
  updateTaxRates,
} from '../../../modules/settings/tax-settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

type CountryParams = { Params: { country: string } }
type Sent = { values: Record<string, string>; errors: FieldErrors }

/** The rates' list, where every change leads back to. */
const base = '/admin/settings/tax'

/** Owners: tax rates by destination country, and for every other country. */
export default async function settingsTaxRoutes(app: FastifyInstance) {
  const listPage = async (reply: FastifyReply, sent?: Sent) =>
    reply.render('admin/settings/tax/index', await taxSettingsPage(app.db, sent))

  async function ratesPage(reply: FastifyReply, code: string, sent?: Sent) {
    const page = await taxRatesPage(app.db, code, sent)
    return reply.show('admin/settings/tax/edit', page)
  }

  app.get('/admin/settings/tax', async (_request, reply) => listPage(reply))

  app.post('/admin/settings/tax', async (request, reply) => {
    const result = await withValid(validate(taxCountryInput, request.body), (input) =>
      addTaxCountry(app.db, signedInUser(request), input),
    )
    return reply.answer(result, {
      done: (added) => ({ to: base, flash: `The tax rates for ${added.result} are added.` }),
      back: base,
      form: (sent) => listPage(reply, sent),
    })
  })

  app.get<CountryParams>('/admin/settings/tax/:country', async (request, reply) =>
    ratesPage(reply, taxRowParams.parse(request.params).country),
  )

  app.post<CountryParams>('/admin/settings/tax/:country', async (request, reply) => {
    const { country } = taxRowParams.parse(request.params)
    const result = await withValid(validate(taxRatesInput, request.body), (input) =>
      updateTaxRates(app.db, signedInUser(request), country, input),
    )
    return reply.answer(result, {
      done: (saved) => ({ to: base, flash: `The tax rates for ${saved.result} are saved.` }),
      back: base,
      form: (sent) => ratesPage(reply, country, sent),
    })
  })

  app.get<CountryParams>('/admin/settings/tax/:country/removal', async (request, reply) => {
    const page = await taxRemovalPage(app.db, taxRowParams.parse(request.params).country)
    return reply.show('admin/settings/tax/removal', page)
  })

  app.post<CountryParams>('/admin/settings/tax/:country/removal', async (request, reply) => {
    const result = await removeTaxCountry(app.db, signedInUser(request), taxRowParams.parse(request.params).country)
    return reply.answer(result, {
      done: (removed) => ({ to: base, flash: `The tax rates for ${removed.result} are removed.` }),
      back: base,
    })
  })
}

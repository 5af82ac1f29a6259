import type { FastifyInstance, FastifyReply } from 'fastify'
import { validate } from '../../../lib/validation.js'
import { countryChoices } from '../../../modules/settings/countries.js'
import { getShopSettings } from '../../../modules/settings/settings.service.js'
import { percentText, taxCountryInput, taxRatesInput } from '../../../modules/settings/tax.forms.js'
import {
  addTaxCountry,
  removeTaxCountry,
  type TaxRow,
  taxRow,
  taxTable,
  updateTaxRates,
} from '../../../modules/settings/tax-settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

type CountryParams = { Params: { country: string } }

/** A row's rates as the form shows them. */
const rateValues = (row: TaxRow) => ({
  standard: percentText(row.rates.standard),
  reduced: percentText(row.rates.reduced),
  zero: percentText(row.rates.zero),
})

/** Owners: tax rates by destination country, and for every other country. */
export default async function settingsTaxRoutes(app: FastifyInstance) {
  async function listPage(reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const shop = await getShopSettings(app.db)
    const table = taxTable(shop)
    const listed = new Set(table.countries.map((c) => c.code))
    return reply.render('admin/settings/tax/index', {
      title: 'Tax rates',
      ...table,
      percent: percentText,
      choices: countryChoices(shop.locale).filter((c) => !listed.has(c.code)),
      values: {},
      errors: {},
      ...extra,
    })
  }

  async function editPage(reply: FastifyReply, code: string, extra: Record<string, unknown> = {}) {
    const row = taxRow(await getShopSettings(app.db), code)
    if (!row) return reply.callNotFound()
    return reply.render('admin/settings/tax/edit', {
      title: row.code === 'other' ? 'Tax rates for other countries' : `Tax rates for ${row.code}`,
      row,
      values: rateValues(row),
      errors: {},
      ...extra,
    })
  }

  app.get('/admin/settings/tax', async (_request, reply) => listPage(reply))

  app.post('/admin/settings/tax', async (request, reply) => {
    const checked = validate(taxCountryInput, request.body)
    const outcome = checked.ok ? await addTaxCountry(app.db, signedInUser(request), checked.value) : checked
    if ('errors' in outcome) return listPage(reply.code(422), { values: request.body ?? {}, errors: outcome.errors })
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `The tax rates for ${outcome.result} are added.`)
    return reply.redirect('/admin/settings/tax', 303)
  })

  app.get<CountryParams>('/admin/settings/tax/:country', async (request, reply) =>
    editPage(reply, request.params.country),
  )

  app.post<CountryParams>('/admin/settings/tax/:country', async (request, reply) => {
    const code = request.params.country
    const checked = validate(taxRatesInput, request.body)
    const outcome = checked.ok ? await updateTaxRates(app.db, signedInUser(request), code, checked.value) : checked
    if ('errors' in outcome)
      return editPage(reply.code(422), code, { values: request.body ?? {}, errors: outcome.errors })
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `The tax rates for ${outcome.result} are saved.`)
    return reply.redirect('/admin/settings/tax', 303)
  })

  app.get<CountryParams>('/admin/settings/tax/:country/removal', async (request, reply) => {
    const shop = await getShopSettings(app.db)
    const row = /^[a-z]{2}$/i.test(request.params.country) ? taxRow(shop, request.params.country) : null
    if (!row) return reply.callNotFound()
    return reply.render('admin/settings/tax/removal', {
      title: `Remove the tax rates for ${row.code}`,
      row,
      other: taxTable(shop).other,
      percent: percentText,
    })
  })

  app.post<CountryParams>('/admin/settings/tax/:country/removal', async (request, reply) => {
    const outcome = await removeTaxCountry(app.db, signedInUser(request), request.params.country)
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `The tax rates for ${outcome.result} are removed.`)
    return reply.redirect('/admin/settings/tax', 303)
  })
}

import type { Db } from '../../db/connection.js'
import { withFields } from '../../lib/objects.js'
import { missing } from '../../lib/outcomes.js'
import type { FieldErrors } from '../../lib/validation.js'
import type { TaxRates } from '../pricing/tax.js'
import { countryChoices, countryName } from './countries.js'
import { changeShopSettings, getShopSettings, type SettingsOutcome, type ShopSettings } from './settings.service.js'
import { percentText, type TaxCountryFields, type TaxRatesFields } from './tax.forms.js'

/** The row of the tax table that stands for every country not listed. */
export const OTHER_COUNTRIES = 'other'

export interface TaxRow {
  /** A country code, or OTHER_COUNTRIES. */
  code: string
  name: string
  rates: TaxRates
}

/** The tax table as the owner reads it: the countries by name, then every other country. */
export function taxTable(shop: ShopSettings): { countries: TaxRow[]; other: TaxRow } {
  return {
    countries: Object.entries(shop.taxRates)
      .map(([code, rates]) => ({ code, name: countryName(code, shop.locale), rates }))
      .sort((a, b) => a.name.localeCompare(b.name, shop.locale)),
    other: { code: OTHER_COUNTRIES, name: 'Every other country', rates: shop.otherTaxRates },
  }
}

/** One row of the table by its code (any case), or null when the shop has no rates for it. */
export function taxRow(shop: ShopSettings, code: string): TaxRow | null {
  if (code === OTHER_COUNTRIES) return taxTable(shop).other
  const upper = code.toUpperCase()
  const rates = shop.taxRates[upper]
  return rates ? { code: upper, name: countryName(upper, shop.locale), rates } : null
}

/** "20 % / 5 % / 0 %", for the activity log. */
const shown = (rates: TaxRates) =>
  `${percentText(rates.standard)} % / ${percentText(rates.reduced)} % / ${percentText(rates.zero)} %`

const ratesOf = (fields: TaxRatesFields): TaxRates => ({
  standard: fields.standard,
  reduced: fields.reduced,
  zero: fields.zero,
})

/** Adds a country to the tax table; a country has one row. */
export function addTaxCountry(
  db: Db,
  actor: { id: number },
  fields: TaxCountryFields,
): Promise<SettingsOutcome<string>> {
  return changeShopSettings<string>(db, actor, (shop) => {
    const name = countryName(fields.country, shop.locale)
    if (shop.taxRates[fields.country])
      return {
        kind: 'invalid',
        errors: { country: `${name} has its rates already: change them in its row` },
      }
    const rates = ratesOf(fields)
    return {
      kind: 'change',
      values: { taxRates: { ...shop.taxRates, [fields.country]: rates } },
      summary: `Added the tax rates for ${name}: ${shown(rates)}`,
      result: name,
    }
  })
}

/** Changes the rates of a country in the table, or of every other country. */
export function updateTaxRates(
  db: Db,
  actor: { id: number },
  code: string,
  fields: TaxRatesFields,
): Promise<SettingsOutcome<string>> {
  return changeShopSettings<string>(db, actor, (shop) => {
    const row = taxRow(shop, code)
    if (!row) return { kind: 'missing' }
    const rates = ratesOf(fields)
    const summary = `Changed the tax rates for ${row.code === OTHER_COUNTRIES ? 'every other country' : row.name}: ${shown(row.rates)} → ${shown(rates)}`
    return {
      kind: 'change',
      values:
        row.code === OTHER_COUNTRIES ? { otherTaxRates: rates } : { taxRates: { ...shop.taxRates, [row.code]: rates } },
      summary,
      result: row.name,
    }
  })
}

/** Takes a country out of the table: orders to it are then taxed at the rates for every other country. */
export function removeTaxCountry(db: Db, actor: { id: number }, code: string): Promise<SettingsOutcome<string>> {
  return changeShopSettings<string>(db, actor, (shop) => {
    const row = code === OTHER_COUNTRIES ? null : taxRow(shop, code)
    if (!row) return { kind: 'missing' }
    const taxRates = Object.fromEntries(Object.entries(shop.taxRates).filter(([c]) => c !== row.code))
    return {
      kind: 'change',
      values: { taxRates },
      summary: `Removed the tax rates for ${row.name} (${shown(row.rates)})`,
      result: row.name,
    }
  })
}

/** A form sent back with its errors, shown again instead of the stored values. */
type Sent = { values: Record<string, unknown>; errors: FieldErrors }

/** The tax table, and the form to add a country not in it yet. */
export async function taxSettingsPage(db: Db, sent?: Sent) {
  const shop = await getShopSettings(db)
  const table = taxTable(shop)
  const listed = new Set(table.countries.map((c) => c.code))
  return {
    kind: 'page' as const,
    title: 'Tax rates',
    // Every other country is the table's last row: it is changed, never removed.
    rows: [...table.countries, table.other].map((row) => withFields(row, { removable: row !== table.other })),
    percent: percentText,
    choices: countryChoices(shop.locale).filter((c) => !listed.has(c.code)),
    values: sent?.values ?? {},
    errors: sent?.errors ?? {},
  }
}

/** The form of one row's rates: a country's, or every other country's. */
export async function taxRatesPage(db: Db, code: string, sent?: Sent) {
  const row = taxRow(await getShopSettings(db), code)
  if (!row) return missing
  return {
    kind: 'page' as const,
    title: row.code === OTHER_COUNTRIES ? 'Tax rates for other countries' : `Tax rates for ${row.code}`,
    destination: row.code === OTHER_COUNTRIES ? 'every other country' : row.name,
    removable: row.code !== OTHER_COUNTRIES,
    row,
    values: sent?.values ?? {
      standard: percentText(row.rates.standard),
      reduced: percentText(row.rates.reduced),
      zero: percentText(row.rates.zero),
    },
    errors: sent?.errors ?? {},
  }
}

/** Confirming a country's removal, with the rates its orders will then be taxed at. */
export async function taxRemovalPage(db: Db, code: string) {
  const shop = await getShopSettings(db)
  // Every other country is the table's last row: it is changed, never removed.
  const row = code === OTHER_COUNTRIES ? null : taxRow(shop, code)
  if (!row) return missing
  return {
    kind: 'page' as const,
    title: `Remove the tax rates for ${row.code}`,
    row,
    other: taxTable(shop).other,
    percent: percentText,
  }
}

import { assertBasisPoints } from './guards.js'
import { scaleRounded } from './rounding.js'

/** 10 000 basis points make 100%. */
export const BASIS_POINTS = 10_000

export type TaxClass = 'standard' | 'reduced' | 'zero'
export const TAX_CLASSES: readonly TaxClass[] = ['standard', 'reduced', 'zero']

/** The rates of one destination country, in basis points: 20% is 2000, 5.5% is 550. */
export type TaxRates = Readonly<Record<TaxClass, number>>

/** A line's or shipping's amounts once taxed; net + tax = gross. */
export interface Taxed {
  net: number
  tax: number
  gross: number
}

/**
 * Taxes an amount that is already rounded (a line after its discount, or
 * shipping). With tax-inclusive prices the amount is the gross the customer
 * pays and the tax is taken out of it; otherwise the amount is the net and
 * the tax is added on. Either way one rounding happens, by the shop's rule.
 */
export function taxAmount(amount: number, rate: number, pricesIncludeTax: boolean): Taxed {
  if (pricesIncludeTax) {
    const net = scaleRounded(amount, BASIS_POINTS, BASIS_POINTS + rate)
    return { net, tax: amount - net, gross: amount }
  }
  const tax = scaleRounded(amount, rate, BASIS_POINTS)
  return { net: amount, tax, gross: amount + tax }
}

/**
 * The rates for a destination: its own when the shop has them, else
 * `otherwise` (the shop's choice for the rest of the world, often all zero
 * for exports). Country codes are ISO 3166-1 alpha-2, in any case.
 */
export function destinationTaxRates(
  byCountry: Readonly<Record<string, TaxRates>>,
  country: string,
  otherwise: TaxRates,
): TaxRates {
  return byCountry[country.toUpperCase()] ?? otherwise
}

export function assertTaxRates(rates: TaxRates, field = 'taxRates'): void {
  for (const taxClass of TAX_CLASSES) assertBasisPoints(rates[taxClass], `${field}.${taxClass}`)
}

import { z } from 'zod'
import type { TaxClass } from '../pricing/tax.js'
import { isCountryCode } from './countries.js'

/**
 * A percentage as a person types it ("20", "5.5", "5,5", "12.25 %") in basis
 * points (550 for 5.5 %), or why not. Never goes through floating point.
 */
export function basisPointsOf(input: string): { ok: true; value: number } | { ok: false; reason: 'format' | 'range' } {
  const text = input.trim().replace(/\s*%$/, '').replace(',', '.')
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text)
  if (!match) return { ok: false, reason: 'format' }
  const value = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return value > 10_000 ? { ok: false, reason: 'range' } : { ok: true, value }
}

/** Basis points as the form and the table show them: 2000 → "20", 550 → "5.5", 1225 → "12.25". */
export function percentText(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100)
  const cents = String(basisPoints % 100)
    .padStart(2, '0')
    .replace(/0+$/, '')
  return cents ? `${whole}.${cents}` : String(whole)
}

const CLASS_LABELS: Record<TaxClass, string> = { standard: 'The standard', reduced: 'The reduced', zero: 'The zero' }

const percent = (taxClass: TaxClass) =>
  z
    .string()
    .trim()
    .default('')
    .transform((v, ctx) => {
      const label = CLASS_LABELS[taxClass]
      const parsed = basisPointsOf(v)
      if (parsed.ok) return parsed.value
      ctx.addIssue({
        code: 'custom',
        message:
          v === ''
            ? `Enter ${label.toLowerCase()} rate as a percentage, like 20 (0 for none)`
            : parsed.reason === 'range'
              ? `${label} rate is a percentage from 0 to 100`
              : `${label} rate is a percentage from 0 to 100 with up to 2 decimals, like 5.5`,
      })
      return z.NEVER
    })

/** A destination's three rates, as percentages with up to 2 decimals; stored in basis points. */
export const taxRatesInput = z.object({
  standard: percent('standard'),
  reduced: percent('reduced'),
  zero: percent('zero'),
})

/** A country added to the tax table, with its rates. */
export const taxCountryInput = taxRatesInput.extend({
  country: z
    .string()
    .trim()
    .toUpperCase()
    .default('')
    .refine((v) => v !== '', 'Choose the country')
    .refine((v) => v === '' || isCountryCode(v), 'Choose a country from the list (a two-letter ISO code like FR)'),
})

export type TaxRatesFields = z.output<typeof taxRatesInput>
export type TaxCountryFields = z.output<typeof taxCountryInput>

/**
 * A row of the tax table as its URL names it: a country code in any case, or
 * `other` for every other country. Anything else is '' (no row has it), so a
 * made-up address is the plain not-found page, as a bad id is (lib/ids.ts).
 */
export const taxRowParams = z.object({
  country: z
    .string()
    .refine((v) => v === 'other' || /^[a-z]{2}$/i.test(v))
    .catch(''),
})

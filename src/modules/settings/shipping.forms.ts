import { z } from 'zod'
import { parseMoney } from '../../lib/money.js'
import type { ShippingRate } from '../pricing/shipping.js'
import { isCountryCode } from './countries.js'

const name = (what: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((v) => v !== '', `Enter the ${what}’s name`)
    .refine((v) => v.length <= 80, `Keep the ${what}’s name to 80 characters`)

/**
 * A shipping zone: its name and either its countries (two-letter codes,
 * separated by commas or spaces, or chosen several at once) or the rest of
 * the world. Which zone a country is in already is the service's to check.
 */
export const zoneInput = z
  .object({
    name: name('zone'),
    countries: z
      .union([z.string(), z.array(z.string())])
      .default('')
      .transform((v) => [
        ...new Set(
          [v]
            .flat()
            .join(',')
            .split(/[\s,;]+/)
            .filter(Boolean)
            .map((c) => c.toUpperCase()),
        ),
      ]),
    restOfWorld: z
      .unknown()
      .optional()
      .transform((v) => v === 'on'),
  })
  .superRefine((v, ctx) => {
    const unknown = v.countries.filter((c) => !isCountryCode(c))
    if (unknown.length)
      ctx.addIssue({
        code: 'custom',
        path: ['countries'],
        message: `Use two-letter country codes (ISO 3166-1) like GB or FR: ${unknown.slice(0, 5).join(', ')} ${unknown.length === 1 ? 'is not one' : 'are not'}${unknown.includes('UK') ? ' (the United Kingdom is GB)' : ''}`,
      })
    else if (v.restOfWorld && v.countries.length)
      ctx.addIssue({
        code: 'custom',
        path: ['countries'],
        message: 'A rest-of-the-world zone lists no countries: leave the list empty, or untick rest of the world',
      })
    else if (!v.restOfWorld && v.countries.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['countries'],
        message: 'List the zone’s countries, like GB, IE, or tick rest of the world',
      })
  })
  .transform((v) => ({ name: v.name, countries: v.restOfWorld ? ('rest_of_world' as const) : v.countries }))

export type ZoneFields = z.output<typeof zoneInput>

const amount = z.string().trim().default('')

/**
 * A delivery method of a zone, with its amounts read in the shop's currency
 * and in the terms product prices are entered (with or without tax).
 */
export function methodInput(currency: string) {
  return z
    .object({
      name: name('method'),
      kind: z.enum(['flat', 'free_over', 'pickup'], { error: 'Choose how the method is priced' }),
      price: amount,
      threshold: amount,
    })
    .transform((v, ctx): ShippingRate & { name: string } => {
      if (v.kind === 'pickup') return { name: v.name, kind: 'pickup' }
      const price = parseMoney(v.price, currency)
      if (price === null)
        ctx.addIssue({
          code: 'custom',
          path: ['price'],
          message: v.price ? 'Enter the price as an amount, like 3.95' : 'Enter the price, like 3.95 (0 for free)',
        })
      if (v.kind === 'flat') return price === null ? z.NEVER : { name: v.name, kind: 'flat', price }
      const threshold = parseMoney(v.threshold, currency)
      if (threshold === null || threshold === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['threshold'],
          message: 'Enter the order amount from which delivery is free, like 50.00',
        })
      return price === null || !threshold ? z.NEVER : { name: v.name, kind: 'free_over', price, threshold }
    })
}

export type MethodFields = z.output<ReturnType<typeof methodInput>>

/**
 * A zone's or a method's id as its URL names it (ids are made by
 * idFromName). Anything else is '', which no zone or method has, so a
 * made-up address is the plain not-found page, as a bad id is (lib/ids.ts).
 */
const settingId = z
  .string()
  .regex(/^[a-z0-9_-]{1,100}$/i)
  .catch('')

export const zoneParams = z.object({ zone: settingId })
export const methodParams = z.object({ zone: settingId, method: settingId })

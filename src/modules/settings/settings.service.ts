import { z } from 'zod'
import { VersionedCache } from '../../db/change-counters.js'
import { type Db, inTransaction } from '../../db/connection.js'
import { withFields } from '../../lib/objects.js'
import type { Invalid, Missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors } from '../../lib/validation.js'
import { type Changes, logActivity } from '../activity/activity.service.js'
import { PAYMENT_METHOD_LABELS, PAYMENT_METHODS } from '../payments/payment-methods.js'
import { countryChoices } from './countries.js'
import { type Choice, currencyChoices, languageChoices } from './locales.js'
import { countSettings, insertMissingSettings, selectSettings, upsertSettings } from './settings.repository.js'

/**
 * The shop's own settings, one row each in `settings`. Every key has a
 * default, so a new shop renders before anybody has set anything, and a value
 * that no longer fits the rule falls back to the default instead of breaking
 * every page.
 */
const basisPoints = z.number().int().min(0).max(10_000)
const taxRatesSchema = z.object({ standard: basisPoints, reduced: basisPoints, zero: basisPoints })
const money = z.number().int().min(0)
const shippingMethodSchema = z.discriminatedUnion('kind', [
  z.object({ id: z.string().min(1), name: z.string().min(1), kind: z.literal('flat'), price: money }),
  z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    kind: z.literal('free_over'),
    price: money,
    threshold: money,
  }),
  z.object({ id: z.string().min(1), name: z.string().min(1), kind: z.literal('pickup') }),
])
const shippingZoneSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  countries: z.union([z.array(z.string().regex(/^[A-Z]{2}$/)), z.literal('rest_of_world')]),
  methods: z.array(shippingMethodSchema),
})

export const shopSettingsSchema = z.object({
  shopName: z.string().trim().min(1).max(80).default('My Shop'),
  tagline: z.string().trim().max(160).default(''),
  metaDescription: z.string().trim().max(300).default('An independent shop.'),
  homeHeading: z.string().trim().max(120).default('Welcome'),
  homeIntro: z.string().trim().max(2000).default(''),
  contactEmail: z.string().trim().max(254).default(''),
  contactPhone: z.string().trim().max(40).default(''),
  address: z.string().trim().max(400).default(''),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('EUR'),
  locale: z.string().trim().min(2).max(35).default('en'),
  // Checkout: see src/modules/pricing/README.md for how these are used.
  /** Whether product and shipping prices are entered with tax included. */
  pricesIncludeTax: z.boolean().default(true),
  /** Where the shop is; the checkout form starts with it. ISO 3166-1 alpha-2. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('GB'),
  /** Tax rates by destination country, in basis points (2000 = 20 %). */
  taxRates: z.record(z.string().regex(/^[A-Z]{2}$/), taxRatesSchema).default({}),
  /** Rates for any destination not listed (exports are usually zero-rated). */
  otherTaxRates: taxRatesSchema.default({ standard: 0, reduced: 0, zero: 0 }),
  shippingZones: z.array(shippingZoneSchema).default([]),
  /** Payment methods offered at checkout, in this order; Stripe only when this server has its keys. */
  paymentMethods: z.array(z.enum(PAYMENT_METHODS)).default(['stripe', 'bank_transfer', 'pay_on_pickup']),
  /** Shown to customers who pay by bank transfer, with the order number as the reference. */
  bankDetails: z.string().trim().max(500).default(''),
  /** An order awaiting a bank transfer is reminded after this many days, and cancelled (stock returned) after the next. */
  bankTransferReminderDays: z.number().int().min(1).max(60).default(3),
  bankTransferCancelDays: z.number().int().min(1).max(90).default(7),
  /** Who outgoing email is from; empty: the shop's name, and the server's MAIL_FROM. */
  mailFromName: z.string().trim().max(80).default(''),
  mailFromAddress: z.string().trim().max(254).default(''),
})

export type ShopSettings = z.output<typeof shopSettingsSchema>
type Key = keyof ShopSettings

const defaults: ShopSettings = shopSettingsSchema.parse({})

/** Every page reads the settings; a copy is kept until they change. Never mutate the result. */
const settingsCopies = new VersionedCache<'settings', ShopSettings>('settings', 1)

export function getShopSettings(db: Db): Promise<ShopSettings> {
  return settingsCopies.get(db, 'settings', () => loadShopSettings(db))
}

async function loadShopSettings(db: Db): Promise<ShopSettings> {
  const rows = await selectSettings(db)
  const settings: Record<string, unknown> = { ...defaults }
  const shape = shopSettingsSchema.shape
  for (const row of rows) {
    if (!(row.key in shape)) continue
    const parsed = shape[row.key as Key].safeParse(safeJson(row.value))
    if (parsed.success) settings[row.key] = parsed.data
  }
  return settings as ShopSettings
}

export async function updateShopSettings(db: Db, changes: Partial<ShopSettings>): Promise<void> {
  await upsertSettings(db, toRows(changes))
}

/** Sets the given settings only where the shop has not set them yet (for seeding). */
export async function setMissingShopSettings(db: Db, values: Partial<ShopSettings>): Promise<void> {
  await insertMissingSettings(db, toRows(values))
}

/** A shop nobody has configured yet: the signal to load the demo shop in development. */
export async function isUnconfigured(db: Db): Promise<boolean> {
  return (await countSettings(db)) === 0
}

function toRows(values: Partial<ShopSettings>) {
  const shape = shopSettingsSchema.shape
  const updatedAt = nowIso()
  return Object.entries(values)
    .filter(([key, value]) => value !== undefined && key in shape)
    .map(([key, value]) => ({
      key,
      value: JSON.stringify(shape[key as Key].parse(value)),
      updated_at: updatedAt,
    }))
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}

/**
 * The owner saves settings: only the values that changed are written, and
 * the activity log keeps each before → after, in one transaction. Every page
 * sees them at once (the settings counter). The notice says whether anything changed.
 */
export async function saveShopSettings(
  db: Db,
  actor: { id: number },
  values: Partial<ShopSettings>,
): Promise<{ kind: 'saved'; changed: string[]; notice: string } | Invalid | Missing> {
  const outcome = await changeShopSettings(db, actor, () => ({ kind: 'change', values, result: null }))
  if (outcome.kind !== 'saved') return outcome
  return withFields(outcome, { notice: outcome.changed.length ? 'The settings are saved.' : 'Nothing had changed.' })
}

/** What an owner's edit comes to, worked out from the settings as they stand. */
export type SettingsChange<T> =
  | { kind: 'change'; values: Partial<ShopSettings>; result: T; summary?: string }
  | Invalid
  | Missing

export type SettingsOutcome<T> = { kind: 'saved'; result: T; changed: string[] } | Invalid | Missing

/**
 * Like saveShopSettings, for an edit that depends on the current value (a
 * row added to the tax table, a zone removed): the settings are read and
 * written in one transaction, so two owners editing at once never undo each
 * other's change.
 */
export async function changeShopSettings<T>(
  db: Db,
  actor: { id: number },
  edit: (current: ShopSettings) => SettingsChange<T>,
): Promise<SettingsOutcome<T>> {
  return inTransaction(db, async (trx) => {
    const current = await loadShopSettings(trx)
    const change = edit(current)
    if (change.kind !== 'change') return change
    const changed = Object.entries(change.values).filter(
      ([key, value]) => JSON.stringify(current[key as Key]) !== JSON.stringify(value),
    )
    if (changed.length === 0) return { kind: 'saved', result: change.result, changed: [] }
    await updateShopSettings(trx, Object.fromEntries(changed) as Partial<ShopSettings>)
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'settings.updated',
      subject: { type: 'settings', id: null },
      summary: change.summary ?? `Changed the shop’s settings: ${changed.map(([key]) => key).join(', ')}`,
      changes: Object.fromEntries(
        changed.map(([key, value]) => [key, [show(current[key as Key]), show(value)]]),
      ) as Changes,
    })
    return { kind: 'saved', result: change.result, changed: changed.map(([key]) => key) }
  })
}

/** A setting as the activity log shows it. */
function show(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : value
}

/** What the settings form says about this server rather than the shop. */
export interface ServerFacts {
  /** Whether the server has its Stripe keys, without which Stripe is not offered. */
  stripeReady: boolean
  /** Who email is from when the shop names nobody. */
  defaultMailFrom: string
}

/**
 * A list's options for a select: a value that is not one of them (a shop set
 * up before the lists, or a form sent back with a made-up value) gets a first,
 * empty option chosen instead of the browser silently choosing the list's first.
 */
function optionsFor(choices: Choice[], value: unknown, prompt: string): [string, string][] {
  const options = choices.map((c): [string, string] => [c.value, c.label])
  return choices.some((c) => c.value === value) ? options : [['', prompt], ...options]
}

let listed: { currencies: Choice[]; languages: Choice[] } | undefined

/** The settings form: the shop's settings as stored, or a form sent back with its errors. */
export async function settingsPage(
  db: Db,
  server: ServerFacts,
  sent?: { values: Record<string, unknown>; errors: FieldErrors },
) {
  const shop = await getShopSettings(db)
  listed ??= { currencies: currencyChoices(), languages: languageChoices() }
  const values = sent?.values ?? {
    ...shop,
    pricesIncludeTax: shop.pricesIncludeTax ? 'yes' : 'no',
    bankTransferReminderDays: String(shop.bankTransferReminderDays),
    bankTransferCancelDays: String(shop.bankTransferCancelDays),
  }
  const countries = countryChoices(shop.locale).map((c) => ({ value: c.code, label: c.name }))
  return {
    kind: 'page' as const,
    title: 'Settings',
    currencyOptions: optionsFor(listed.currencies, values.currency, 'Choose a currency'),
    languageOptions: optionsFor(listed.languages, values.locale, 'Choose a language and region'),
    countryOptions: optionsFor(countries, values.country, 'Choose a country'),
    methods: PAYMENT_METHODS.map((id) => ({
      id,
      label: PAYMENT_METHOD_LABELS[id],
      hint:
        id !== 'stripe'
          ? ''
          : server.stripeReady
            ? 'Through Stripe Checkout.'
            : 'Offered once the server has its Stripe keys (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET).',
    })),
    defaultMailFrom: server.defaultMailFrom,
    values,
    errors: sent?.errors ?? {},
  }
}

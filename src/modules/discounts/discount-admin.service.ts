import { type Db, inTransaction } from '../../db/connection.js'
import { decimalAmount, formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { type Invalid, invalid, type Missing, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors } from '../../lib/validation.js'
import type { Actor } from '../activity/activity.service.js'
import { type Changes, logActivity } from '../activity/activity.service.js'
import { loadCategoryTree } from '../catalogue/catalogue.service.js'
import { utcDay } from '../settings/formats.js'
import { getShopSettings } from '../settings/settings.service.js'
import { type DiscountFields, discountInput } from './discount.forms.js'
import {
  insertDiscountCode,
  selectDiscount,
  selectDiscountByCode,
  selectDiscounts,
  selectDiscountUses,
  updateDiscountCode,
} from './discounts.repository.js'

export type SaveResult = { kind: 'saved'; id: number } | Invalid | Missing

const taken = invalid({ code: 'There is a code with that name already: choose another' })

/** Creates a discount code; its name must be new. */
export async function createDiscount(db: Db, fields: DiscountFields, actor: Actor): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    if (await selectDiscountByCode(trx, fields.code)) return taken
    const now = nowIso()
    const row = await insertDiscountCode(trx, { ...fields, created_at: now, updated_at: now })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'discount.created',
      subject: { type: 'discount', id: row.id },
      summary: `Created the discount code ${row.code}`,
    })
    return { kind: 'saved', id: row.id } as const
  })
}

/** Changes a discount code; the activity log keeps each changed field before → after. Uses so far are kept. */
export async function updateDiscount(db: Db, id: number, fields: DiscountFields, actor: Actor): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    const before = await selectDiscount(trx, id)
    if (!before) return missing
    const clash = await selectDiscountByCode(trx, fields.code)
    if (clash && clash.id !== id) return taken
    const changes: Changes = {}
    for (const [field, value] of Object.entries(fields)) {
      const old = before[field as keyof typeof before]
      if (old !== value) changes[field] = [old, value]
    }
    if (Object.keys(changes).length === 0) return { kind: 'saved', id } as const
    await updateDiscountCode(trx, id, { ...fields, updated_at: nowIso() })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'discount.updated',
      subject: { type: 'discount', id },
      summary: `Changed the discount code ${fields.code}`,
      changes,
    })
    return { kind: 'saved', id } as const
  })
}

/** Ends a code now: it stops applying at once, at checkout and to orders being placed. */
export async function endDiscount(db: Db, id: number, actor: Actor): Promise<SaveResult> {
  return inTransaction(db, async (trx) => {
    const before = await selectDiscount(trx, id)
    if (!before) return missing
    const now = nowIso()
    await updateDiscountCode(trx, id, { ends_at: now, updated_at: now })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'discount.ended',
      subject: { type: 'discount', id },
      summary: `Ended the discount code ${before.code}`,
      changes: { ends_at: [before.ends_at, now] },
    })
    return { kind: 'saved', id } as const
  })
}

/** Where a code stands today, as the back office says it: ended, from a date, until a date, or open. */
export function discountRunState(discount: { starts_at: string | null; ends_at: string | null }, now = nowIso()) {
  if (discount.ends_at && discount.ends_at <= now) return { ended: true, label: 'ended' }
  if (discount.starts_at && discount.starts_at > now)
    return { ended: false, label: `from ${discount.starts_at.slice(0, 10)}` }
  return { ended: false, label: discount.ends_at ? `until ${discount.ends_at.slice(0, 10)}` : 'open' }
}

type Discount = NonNullable<Awaited<ReturnType<typeof selectDiscount>>>

/** The categories a code can be limited to, by name. */
async function categoryChoices(db: Db) {
  const tree = await loadCategoryTree(db)
  return [...tree.byId.values()].map((c) => ({ id: c.id, name: c.name })).sort((a, b) => a.name.localeCompare(b.name))
}

/** The code form's schema: amounts are read in the shop's currency, and a category must be one of the shop's. */
export async function discountSchema(db: Db) {
  const [shop, categories] = await Promise.all([getShopSettings(db), categoryChoices(db)])
  return discountInput(
    shop.currency,
    categories.map((c) => c.id),
  )
}

/** The codes, newest first, each with what it takes off and when it runs, in words. */
export async function discountsPage(db: Db) {
  const [shop, discounts] = await Promise.all([getShopSettings(db), selectDiscounts(db)])
  const money = (minor: number) => formatMoney(minor, shop.currency, shop.locale)
  const amount = (d: Discount) =>
    d.kind === 'percentage' ? `${d.value / 100} %` : d.kind === 'fixed' ? money(d.value) : 'delivery'
  return {
    kind: 'page' as const,
    title: 'Discount codes',
    discounts: discounts.map((d) =>
      withFields(d, {
        takesOff: `${amount(d)}${d.category_id ? ' on one category' : ''}${d.minimum_subtotal ? `, from ${money(d.minimum_subtotal)}` : ''}`,
        runs: discountRunState(d).label,
        used: `${d.uses}${d.usage_limit !== null ? ` / ${d.usage_limit}` : ''}`,
      }),
    ),
  }
}

/** A stored code as the form shows it. */
function formValues(d: Discount, currency: string) {
  return {
    code: d.code,
    kind: d.kind,
    value: d.kind === 'percentage' ? String(d.value / 100) : d.kind === 'fixed' ? decimalAmount(d.value, currency) : '',
    category_id: d.category_id === null ? '' : String(d.category_id),
    minimum_subtotal: d.minimum_subtotal === null ? '' : decimalAmount(d.minimum_subtotal, currency),
    starts: utcDay(d.starts_at),
    ends: utcDay(d.ends_at),
    usage_limit: d.usage_limit === null ? '' : String(d.usage_limit),
    per_customer_limit: d.per_customer_limit === null ? '' : String(d.per_customer_limit),
  }
}

/** The form of a new code (`id` null) or of a code, with its uses so far; sent back with its errors. */
export async function discountFormPage(
  db: Db,
  id: number | null,
  sent?: { values: Record<string, string>; errors: FieldErrors },
) {
  const discount = id === null ? null : await selectDiscount(db, id)
  if (discount === undefined) return missing
  const [shop, categories, uses] = await Promise.all([
    getShopSettings(db),
    categoryChoices(db),
    discount ? selectDiscountUses(db, discount.id, 50) : [],
  ])
  const ended = discount ? discountRunState(discount).ended : false
  return {
    kind: 'page' as const,
    title: discount ? `Discount code ${discount.code}` : 'New discount code',
    discount,
    used: discount
      ? `${discount.uses} ${discount.uses === 1 ? 'time' : 'times'}${discount.usage_limit !== null ? ` of ${discount.usage_limit}` : ''}`
      : '',
    ended,
    endedOn: ended ? utcDay(discount?.ends_at) : '',
    categories,
    currency: shop.currency,
    uses,
    values: sent?.values ?? (discount ? formValues(discount, shop.currency) : { kind: 'percentage' }),
    errors: sent?.errors ?? {},
  }
}

/** Asking before a code is ended. */
export async function discountEndingPage(db: Db, id: number) {
  const discount = await selectDiscount(db, id)
  if (!discount) return missing
  return { kind: 'page' as const, title: `End ${discount.code}`, discount }
}

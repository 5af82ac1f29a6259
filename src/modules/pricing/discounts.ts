import { assertBasisPoints, assertMinor, InvalidPricingInput } from './guards.js'
import { allocateLargestRemainder, scaleRounded } from './rounding.js'
import { BASIS_POINTS } from './tax.js'

/** What a code takes off: the whole order, or only the lines in one category (or its subcategories). */
export type DiscountScope = { kind: 'order' } | { kind: 'category'; categoryId: number }

interface DiscountRules {
  code: string
  scope: DiscountScope
  /** The goods subtotal before any discount that the order must reach, in minor units. */
  minimumSubtotal?: number | null
  /** The first moment the code works (inclusive). */
  startsAt?: Date | null
  /** The first moment the code no longer works (exclusive). */
  endsAt?: Date | null
  /** How many orders in all may use the code. */
  usageLimit?: number | null
  /** How many orders one customer may use it on. */
  perCustomerLimit?: number | null
}

/** What a code takes off, by kind. */
export type DiscountAmount =
  /** `basisPoints` of the in-scope goods: 10% is 1000. */
  | { kind: 'percentage'; basisPoints: number }
  /** `amount` minor units, in the terms prices are entered in (with or without tax). */
  | { kind: 'fixed'; amount: number }
  /** The whole shipping price. */
  | { kind: 'free_shipping' }

export type Discount = DiscountRules & DiscountAmount

export type DiscountKind = Discount['kind']

/** What a line needs for a code's scope: its product's category and that category's ancestors. */
export interface CategorisedLine {
  categoryIds: readonly number[]
}

export function isInScope(scope: DiscountScope, line: CategorisedLine): boolean {
  return scope.kind === 'order' || line.categoryIds.includes(scope.categoryId)
}

export interface DiscountContext {
  now: Date
  /** The goods subtotal before discount: the sum of quantity × unit price, as priceOrder's `totals.subtotal`. */
  subtotal: number
  /** The cart's lines, for a code limited to a category. */
  lines: readonly CategorisedLine[]
  /** Orders that have used the code so far. */
  totalUses: number
  /** Orders of this customer (by account, or by email for a guest) that have used it. */
  customerUses: number
  /** Whether the customer is known: signed in, or a guest who has given an email address. */
  customerKnown: boolean
}

export type DiscountRefusal =
  | 'not_started'
  | 'ended'
  | 'used_up'
  | 'customer_required'
  | 'customer_limit'
  | 'no_matching_items'
  | 'minimum_not_met'

export type DiscountCheck = { ok: true } | { ok: false; reason: DiscountRefusal; message: string }

/**
 * Whether a code may be used on this cart now. The first rule broken is the
 * one reported, in the order of the refusals above: when, then how often,
 * then what is in the cart. `format` writes an amount of minor units for a
 * shopper (e.g. formatMoney in the shop's currency and locale).
 */
export function checkDiscount(
  discount: Discount,
  context: DiscountContext,
  format: (minor: number) => string,
): DiscountCheck {
  const { now, subtotal, lines, totalUses, customerUses, customerKnown } = context
  const refuse = (reason: DiscountRefusal, message: string): DiscountCheck => ({ ok: false, reason, message })

  if (discount.startsAt && now < discount.startsAt) return refuse('not_started', 'This code can’t be used yet.')
  if (discount.endsAt && now >= discount.endsAt) return refuse('ended', 'This code has expired.')
  if (discount.usageLimit != null && totalUses >= discount.usageLimit) {
    return refuse('used_up', 'This code has reached its limit and can’t be used any more.')
  }
  if (discount.perCustomerLimit != null) {
    if (!customerKnown) {
      return refuse('customer_required', 'Sign in, or enter your email address at checkout, to use this code.')
    }
    if (customerUses >= discount.perCustomerLimit) {
      const times = discount.perCustomerLimit === 1 ? 'once' : `${discount.perCustomerLimit} times`
      return refuse('customer_limit', `This code can be used ${times} per customer, and you have already used it.`)
    }
  }
  if (!lines.some((line) => isInScope(discount.scope, line))) {
    return refuse('no_matching_items', 'This code doesn’t apply to anything in your cart.')
  }
  if (discount.minimumSubtotal != null && subtotal < discount.minimumSubtotal) {
    return refuse('minimum_not_met', `This code needs an order of at least ${format(discount.minimumSubtotal)}.`)
  }
  return { ok: true }
}

/**
 * What a code takes off goods whose in-scope lines come to `scopeSubtotal`:
 * a percentage of it rounded once by the shop's rule, a fixed amount capped
 * at it, nothing for free shipping (that is taken off shipping instead).
 */
export function itemsDiscountAmount(discount: Discount, scopeSubtotal: number): number {
  switch (discount.kind) {
    case 'percentage':
      return scaleRounded(scopeSubtotal, discount.basisPoints, BASIS_POINTS)
    case 'fixed':
      return Math.min(discount.amount, scopeSubtotal)
    case 'free_shipping':
      return 0
  }
}

/**
 * Spreads a discount over lines in proportion to their amounts (zero for
 * lines out of scope), by largest remainder so the parts sum to it exactly.
 */
export function allocateDiscount(
  amount: number,
  lineAmounts: readonly number[],
  inScope: readonly boolean[],
): number[] {
  return allocateLargestRemainder(
    amount,
    lineAmounts.map((a, i) => (inScope[i] ? a : 0)),
  )
}

export function assertDiscount(discount: Discount, field = 'discount'): void {
  if (discount.kind === 'percentage') assertBasisPoints(discount.basisPoints, `${field}.basisPoints`, BASIS_POINTS)
  if (discount.kind === 'fixed') assertMinor(discount.amount, `${field}.amount`)
  if (discount.scope.kind === 'category' && !Number.isSafeInteger(discount.scope.categoryId)) {
    throw new InvalidPricingInput(`${field}.scope.categoryId`, discount.scope.categoryId, 'an integer')
  }
}

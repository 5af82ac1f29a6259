import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../lib/money.js'
import {
  allocateDiscount,
  checkDiscount,
  type Discount,
  type DiscountContext,
  itemsDiscountAmount,
} from './discounts.js'

const gbp = (minor: number) => formatMoney(minor, 'GBP', 'en-GB')

const tenOff: Discount = { code: 'TEN', kind: 'percentage', basisPoints: 1000, scope: { kind: 'order' } }

const cart: DiscountContext = {
  now: new Date('2026-06-15T12:00:00Z'),
  subtotal: 6000,
  lines: [{ categoryIds: [3, 1] }, { categoryIds: [9] }],
  totalUses: 0,
  customerUses: 0,
  customerKnown: false,
}

describe('discount eligibility', () => {
  it('accepts a code with no conditions', () => {
    expect(checkDiscount(tenOff, cart, gbp)).toEqual({ ok: true })
  })

  it('works from its start to just before its end', () => {
    const summer = { ...tenOff, startsAt: new Date('2026-06-01T00:00:00Z'), endsAt: new Date('2026-07-01T00:00:00Z') }
    expect(checkDiscount(summer, { ...cart, now: new Date('2026-06-01T00:00:00Z') }, gbp)).toEqual({ ok: true })
    expect(checkDiscount(summer, { ...cart, now: new Date('2026-05-31T23:59:59Z') }, gbp)).toEqual({
      ok: false,
      reason: 'not_started',
      message: 'This code can’t be used yet.',
    })
    expect(checkDiscount(summer, { ...cart, now: new Date('2026-07-01T00:00:00Z') }, gbp)).toEqual({
      ok: false,
      reason: 'ended',
      message: 'This code has expired.',
    })
  })

  it('tells the shopper the minimum order in the shop’s money', () => {
    const over50 = { ...tenOff, minimumSubtotal: 5000 }
    expect(checkDiscount(over50, { ...cart, subtotal: 5000 }, gbp)).toEqual({ ok: true })
    expect(checkDiscount(over50, { ...cart, subtotal: 4999 }, gbp)).toEqual({
      ok: false,
      reason: 'minimum_not_met',
      message: 'This code needs an order of at least £50.00.',
    })
  })

  it('stops working once used as many times as allowed', () => {
    const hundred = { ...tenOff, usageLimit: 100 }
    expect(checkDiscount(hundred, { ...cart, totalUses: 99 }, gbp).ok).toBe(true)
    expect(checkDiscount(hundred, { ...cart, totalUses: 100 }, gbp)).toMatchObject({ ok: false, reason: 'used_up' })
  })

  it('needs a known customer for a per-customer limit, and counts their uses', () => {
    const once = { ...tenOff, perCustomerLimit: 1 }
    expect(checkDiscount(once, cart, gbp)).toEqual({
      ok: false,
      reason: 'customer_required',
      message: 'Sign in, or enter your email address at checkout, to use this code.',
    })
    expect(checkDiscount(once, { ...cart, customerKnown: true }, gbp)).toEqual({ ok: true })
    expect(checkDiscount(once, { ...cart, customerKnown: true, customerUses: 1 }, gbp)).toEqual({
      ok: false,
      reason: 'customer_limit',
      message: 'This code can be used once per customer, and you have already used it.',
    })
    const thrice = { ...tenOff, perCustomerLimit: 3 }
    expect(checkDiscount(thrice, { ...cart, customerKnown: true, customerUses: 3 }, gbp)).toMatchObject({
      message: 'This code can be used 3 times per customer, and you have already used it.',
    })
  })

  it('refuses a category code when nothing in the cart is in that category or below it', () => {
    const shoes = { ...tenOff, scope: { kind: 'category', categoryId: 1 } } as const
    const hats = { ...tenOff, scope: { kind: 'category', categoryId: 2 } } as const
    expect(checkDiscount(shoes, cart, gbp)).toEqual({ ok: true })
    expect(checkDiscount(hats, cart, gbp)).toEqual({
      ok: false,
      reason: 'no_matching_items',
      message: 'This code doesn’t apply to anything in your cart.',
    })
    expect(checkDiscount(tenOff, { ...cart, lines: [] }, gbp)).toMatchObject({ reason: 'no_matching_items' })
  })

  it('reports dates before usage, usage before the customer, and the customer before the cart', () => {
    const strict: Discount = {
      ...tenOff,
      endsAt: new Date('2026-01-01T00:00:00Z'),
      usageLimit: 1,
      perCustomerLimit: 1,
      minimumSubtotal: 100_000,
    }
    const context = { ...cart, totalUses: 1, customerUses: 1, customerKnown: true }
    expect(checkDiscount(strict, context, gbp)).toMatchObject({ reason: 'ended' })
    expect(checkDiscount({ ...strict, endsAt: null }, context, gbp)).toMatchObject({ reason: 'used_up' })
    expect(checkDiscount({ ...strict, endsAt: null, usageLimit: null }, context, gbp)).toMatchObject({
      reason: 'customer_limit',
    })
    expect(
      checkDiscount({ ...strict, endsAt: null, usageLimit: null, perCustomerLimit: null }, context, gbp),
    ).toMatchObject({ reason: 'minimum_not_met' })
  })
})

describe('discount amounts', () => {
  it('takes a percentage of the in-scope goods, rounded once', () => {
    expect(itemsDiscountAmount(tenOff, 2500)).toBe(250)
    expect(itemsDiscountAmount({ ...tenOff, basisPoints: 3333 }, 300)).toBe(100) // 99.99
    expect(itemsDiscountAmount({ ...tenOff, basisPoints: 1250 }, 4)).toBe(1) // 0.5, half away from zero
  })

  it('caps a fixed amount at the in-scope goods', () => {
    const fiver: Discount = { code: 'FIVER', kind: 'fixed', amount: 500, scope: { kind: 'order' } }
    expect(itemsDiscountAmount(fiver, 2000)).toBe(500)
    expect(itemsDiscountAmount(fiver, 320)).toBe(320)
  })

  it('takes nothing off the goods for free shipping', () => {
    expect(itemsDiscountAmount({ code: 'SHIP', kind: 'free_shipping', scope: { kind: 'order' } }, 2000)).toBe(0)
  })

  it('spreads a discount over in-scope lines only, in proportion', () => {
    expect(allocateDiscount(250, [1999, 3000, 501], [true, false, true])).toEqual([200, 0, 50])
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Discount, DiscountScope } from './discounts.js'
import { type PricedOrder, type PriceOrderInput, priceOrder } from './pricing.js'
import type { ShippingRate } from './shipping.js'
import { TAX_CLASSES } from './tax.js'

const CATEGORY_IDS = [1, 2, 3, 4, 5]

const rate = fc.integer({ min: 0, max: 3000 })
const scope: fc.Arbitrary<DiscountScope> = fc.oneof(
  fc.constant({ kind: 'order' as const }),
  fc.constantFrom(...CATEGORY_IDS).map((categoryId) => ({ kind: 'category' as const, categoryId })),
)
const discount: fc.Arbitrary<Discount> = fc.oneof(
  fc.record({
    code: fc.constant('PCT'),
    kind: fc.constant('percentage' as const),
    basisPoints: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 5000, 10_000)),
    scope,
  }),
  fc.record({
    code: fc.constant('FIXED'),
    kind: fc.constant('fixed' as const),
    amount: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 50_000_000 })),
    scope,
  }),
  fc.record({ code: fc.constant('SHIP'), kind: fc.constant('free_shipping' as const), scope }),
)
const shipping: fc.Arbitrary<ShippingRate | null> = fc.oneof(
  fc.constant(null),
  fc.record({ kind: fc.constant('flat' as const), price: fc.integer({ min: 0, max: 10_000 }) }),
  fc.record({
    kind: fc.constant('free_over' as const),
    price: fc.integer({ min: 0, max: 10_000 }),
    threshold: fc.integer({ min: 0, max: 5_000_000 }),
  }),
  fc.constant({ kind: 'pickup' as const }),
)
const orderInput: fc.Arbitrary<PriceOrderInput> = fc.record({
  lines: fc.array(
    fc.record({
      // Small prices often, so rounding halves and ties come up; large ones too.
      unitPrice: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1_000_000 })),
      quantity: fc.integer({ min: 1, max: 99 }),
      taxClass: fc.constantFrom(...TAX_CLASSES),
      categoryIds: fc.uniqueArray(fc.constantFrom(...CATEGORY_IDS), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 20 },
  ),
  pricesIncludeTax: fc.boolean(),
  taxRates: fc.record({ standard: rate, reduced: rate, zero: fc.constantFrom(0, 0, 0, 700) }),
  shipping,
  discount: fc.option(discount, { nil: null }),
})

const RUNS = { numRuns: 800 }

function amountsOf(priced: PricedOrder): number[] {
  const { lines, items, shipping, discount, totals } = priced
  return [
    ...lines.flatMap((l) => [l.subtotal, l.discount, l.net, l.tax, l.gross]),
    ...Object.values(items),
    ...(shipping ? [shipping.price, shipping.discount, shipping.net, shipping.tax, shipping.gross] : []),
    ...(discount ? [discount.items, discount.shipping, discount.total] : []),
    ...Object.values(totals),
  ]
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

describe('pricing any cart', () => {
  it('returns only non-negative integer amounts', () => {
    fc.assert(
      fc.property(orderInput, (input) => {
        for (const amount of amountsOf(priceOrder(input))) {
          expect(Number.isSafeInteger(amount)).toBe(true)
          expect(amount).toBeGreaterThanOrEqual(0)
        }
      }),
      RUNS,
    )
  })

  it('makes the total add up to the cent from the rounded lines and shipping, in either price mode', () => {
    fc.assert(
      fc.property(orderInput, (input) => {
        const { lines, shipping, totals, pricesIncludeTax } = priceOrder(input)
        const ship = shipping ?? { price: 0, discount: 0, net: 0, tax: 0, gross: 0 }
        for (const l of lines) {
          expect(l.net + l.tax).toBe(l.gross)
          expect(l.subtotal - l.discount).toBe(pricesIncludeTax ? l.gross : l.net)
        }
        expect(ship.net + ship.tax).toBe(ship.gross)
        expect(ship.price - ship.discount).toBe(pricesIncludeTax ? ship.gross : ship.net)

        expect(sum(lines.map((l) => l.net)) + ship.net + sum(lines.map((l) => l.tax)) + ship.tax).toBe(totals.total)
        expect(sum(lines.map((l) => l.gross)) + ship.gross).toBe(totals.total)
        expect(totals.net + totals.tax).toBe(totals.total)
        expect(totals.tax).toBe(sum(lines.map((l) => l.tax)) + ship.tax)
        // Prices with tax: lines + shipping − discounts is the total, tax being part of it.
        // Prices without tax: lines + shipping − discounts + tax is the total.
        expect(totals.subtotal + totals.shipping - totals.discount + (pricesIncludeTax ? 0 : totals.tax)).toBe(
          totals.total,
        )
      }),
      RUNS,
    )
  })

  it('never discounts more than what the code covers, and the parts add up to the discount', () => {
    fc.assert(
      fc.property(orderInput, (input) => {
        const priced = priceOrder(input)
        const { lines, shipping, discount, totals } = priced
        const scopeSubtotal = sum(lines.filter((l) => l.inScope).map((l) => l.subtotal))
        for (const l of lines) {
          expect(l.discount).toBeLessThanOrEqual(l.subtotal)
          if (!l.inScope) expect(l.discount).toBe(0)
        }
        expect(sum(lines.map((l) => l.discount))).toBe(priced.items.discount)
        expect(totals.discount).toBe(priced.items.discount + (shipping?.discount ?? 0))
        if (!discount) {
          expect(totals.discount).toBe(0)
          return
        }
        expect(discount.items).toBe(priced.items.discount)
        expect(discount.shipping).toBe(shipping?.discount ?? 0)
        expect(discount.total).toBe(totals.discount)
        expect(discount.items).toBeLessThanOrEqual(scopeSubtotal)
        expect(discount.total).toBeLessThanOrEqual(scopeSubtotal + (shipping?.price ?? 0))
        expect(totals.total).toBeGreaterThanOrEqual(0)

        const code = input.discount as Discount
        if (code.kind === 'fixed') expect(discount.items).toBe(Math.min(code.amount, scopeSubtotal))
        if (code.kind === 'percentage') {
          expect(Math.abs(discount.items * 10_000 - scopeSubtotal * code.basisPoints)).toBeLessThanOrEqual(5000)
        }
        if (code.kind === 'free_shipping') {
          expect(discount.items).toBe(0)
          expect(discount.shipping).toBe(lines.some((l) => l.inScope) ? (shipping?.price ?? 0) : 0)
        } else {
          expect(discount.shipping).toBe(0)
        }
      }),
      RUNS,
    )
  })

  it('spreads the discount over in-scope lines within one minor unit of their exact shares', () => {
    fc.assert(
      fc.property(orderInput, (input) => {
        const { lines, items } = priceOrder(input)
        const scopeSubtotal = sum(lines.filter((l) => l.inScope).map((l) => l.subtotal))
        if (scopeSubtotal === 0) return
        for (const l of lines.filter((x) => x.inScope)) {
          const gap = BigInt(l.discount) * BigInt(scopeSubtotal) - BigInt(items.discount) * BigInt(l.subtotal)
          expect(gap < BigInt(scopeSubtotal) && gap > -BigInt(scopeSubtotal)).toBe(true)
        }
      }),
      RUNS,
    )
  })

  it('charges no tax on lines and shipping at a zero rate, and none at all when every rate is zero', () => {
    fc.assert(
      fc.property(orderInput, fc.boolean(), (input, allZero) => {
        const taxRates = allZero ? { standard: 0, reduced: 0, zero: 0 } : input.taxRates
        const { lines, shipping, totals } = priceOrder({ ...input, taxRates })
        for (const l of lines) if (l.taxRate === 0) expect(l.tax).toBe(0)
        if (shipping && shipping.taxRate === 0) expect(shipping.tax).toBe(0)
        if (allZero) {
          expect(totals.tax).toBe(0)
          expect(totals.net).toBe(totals.total)
        }
      }),
      RUNS,
    )
  })

  it('rounds tax once per line, within half a minor unit of the exact figure', () => {
    fc.assert(
      fc.property(orderInput, (input) => {
        const { lines, pricesIncludeTax } = priceOrder(input)
        for (const l of lines) {
          // Exclusive: |tax − net × r| ≤ ½. Inclusive: |net − gross / (1 + r)| ≤ ½.
          const error = pricesIncludeTax
            ? Math.abs(l.net * (10_000 + l.taxRate) - l.gross * 10_000) / (10_000 + l.taxRate)
            : Math.abs(l.tax * 10_000 - l.net * l.taxRate) / 10_000
          expect(error).toBeLessThanOrEqual(0.5)
        }
      }),
      RUNS,
    )
  })

  it('applies free-over shipping to the goods after discount', () => {
    fc.assert(
      fc.property(orderInput, (input) => {
        const { shipping, items } = priceOrder(input)
        if (input.shipping?.kind !== 'free_over') return
        const goods = items.subtotal - items.discount
        expect(shipping?.price).toBe(goods >= input.shipping.threshold ? 0 : input.shipping.price)
      }),
      RUNS,
    )
  })
})

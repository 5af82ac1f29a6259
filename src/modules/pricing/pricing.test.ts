import { describe, expect, it } from 'vitest'
import type { Discount } from './discounts.js'
import { InvalidPricingInput } from './guards.js'
import { type OrderLineInput, type PriceOrderInput, priceOrder } from './pricing.js'

const UK = { standard: 2000, reduced: 500, zero: 0 }

function line(
  unitPrice: number,
  quantity = 1,
  taxClass: OrderLineInput['taxClass'] = 'standard',
  categoryIds: number[] = [],
) {
  return { unitPrice, quantity, taxClass, categoryIds }
}

function order(overrides: Partial<PriceOrderInput>): PriceOrderInput {
  return { lines: [], pricesIncludeTax: false, taxRates: UK, shipping: null, discount: null, ...overrides }
}

describe('pricing an order', () => {
  it('adds tax per line and on shipping when prices exclude tax', () => {
    const priced = priceOrder(
      order({
        lines: [line(1000, 2), line(799, 1, 'zero'), line(333, 3, 'reduced')],
        shipping: { kind: 'flat', price: 499 },
      }),
    )
    expect(priced.lines.map(({ subtotal, net, tax, gross }) => [subtotal, net, tax, gross])).toEqual([
      [2000, 2000, 400, 2400],
      [799, 799, 0, 799],
      [999, 999, 50, 1049], // 49.95
    ])
    expect(priced.shipping).toEqual({ price: 499, discount: 0, net: 499, tax: 100, gross: 599, taxRate: 2000 }) // 99.8
    expect(priced.totals).toEqual({ subtotal: 3798, discount: 0, shipping: 499, net: 4297, tax: 550, total: 4847 })
  })

  it('takes tax out of each line and shipping when prices include it, so the total is the sum of the prices', () => {
    const priced = priceOrder(
      order({
        pricesIncludeTax: true,
        lines: [line(1200), line(210, 3, 'reduced'), line(500, 1, 'zero')],
        shipping: { kind: 'flat', price: 395 },
      }),
    )
    expect(priced.lines.map(({ net, tax, gross }) => [net, tax, gross])).toEqual([
      [1000, 200, 1200],
      [600, 30, 630],
      [500, 0, 500],
    ])
    expect(priced.shipping).toMatchObject({ net: 329, tax: 66, gross: 395 })
    expect(priced.totals).toEqual({ subtotal: 2330, discount: 0, shipping: 395, net: 2429, tax: 296, total: 2725 })
  })

  it('takes a percentage code off one category only, spread by largest remainder, before tax', () => {
    const code: Discount = {
      code: 'SHOES10',
      kind: 'percentage',
      basisPoints: 1000,
      scope: { kind: 'category', categoryId: 7 },
    }
    const priced = priceOrder(
      order({
        lines: [line(1999, 1, 'standard', [7, 1]), line(1500, 2, 'standard', [3]), line(501, 1, 'reduced', [9, 7])],
        discount: code,
      }),
    )
    // 10% of 2500 in scope = 250: 199.9 → 200 and 50.1 → 50.
    expect(priced.lines.map(({ inScope, discount, net, tax, gross }) => [inScope, discount, net, tax, gross])).toEqual([
      [true, 200, 1799, 360, 2159],
      [false, 0, 3000, 600, 3600],
      [true, 50, 451, 23, 474], // 22.55
    ])
    expect(priced.discount).toEqual({ code: 'SHOES10', kind: 'percentage', items: 250, shipping: 0, total: 250 })
    expect(priced.totals).toEqual({ subtotal: 5500, discount: 250, shipping: 0, net: 5250, tax: 983, total: 6233 })
  })

  it('caps a fixed code at the goods, leaving shipping to pay and nothing negative', () => {
    const code: Discount = { code: 'SORRY', kind: 'fixed', amount: 5000, scope: { kind: 'order' } }
    const priced = priceOrder(
      order({
        pricesIncludeTax: true,
        lines: [line(1200), line(300)],
        shipping: { kind: 'flat', price: 450 },
        discount: code,
      }),
    )
    expect(priced.lines.map(({ discount, net, tax, gross }) => [discount, net, tax, gross])).toEqual([
      [1200, 0, 0, 0],
      [300, 0, 0, 0],
    ])
    expect(priced.discount).toMatchObject({ items: 1500, shipping: 0, total: 1500 })
    expect(priced.totals).toEqual({ subtotal: 1500, discount: 1500, shipping: 450, net: 375, tax: 75, total: 450 })
  })

  it('waives shipping for a free-shipping code and records the waived amount as its discount', () => {
    const code: Discount = { code: 'SHIPFREE', kind: 'free_shipping', scope: { kind: 'order' } }
    const priced = priceOrder(
      order({ pricesIncludeTax: true, lines: [line(2000)], shipping: { kind: 'flat', price: 495 }, discount: code }),
    )
    expect(priced.shipping).toEqual({ price: 495, discount: 495, net: 0, tax: 0, gross: 0, taxRate: 2000 })
    expect(priced.discount).toMatchObject({ items: 0, shipping: 495, total: 495 })
    expect(priced.totals).toMatchObject({ subtotal: 2000, discount: 495, shipping: 495, total: 2000 })
  })

  it('keeps shipping charged when a category’s free-shipping code matches nothing in the cart', () => {
    const code: Discount = { code: 'HATSHIP', kind: 'free_shipping', scope: { kind: 'category', categoryId: 2 } }
    const priced = priceOrder(
      order({ lines: [line(2000, 1, 'standard', [1])], shipping: { kind: 'flat', price: 495 }, discount: code }),
    )
    expect(priced.shipping).toMatchObject({ price: 495, discount: 0, gross: 594 })
  })

  it('compares the free-over threshold with the goods after discount', () => {
    const shipping = { kind: 'free_over', price: 399, threshold: 5000 } as const
    const code: Discount = { code: 'TEN', kind: 'percentage', basisPoints: 1000, scope: { kind: 'order' } }
    expect(priceOrder(order({ pricesIncludeTax: true, lines: [line(5200)], shipping })).shipping?.price).toBe(0)
    const discounted = priceOrder(order({ pricesIncludeTax: true, lines: [line(5200)], shipping, discount: code }))
    expect(discounted.items.subtotal - discounted.items.discount).toBe(4680)
    expect(discounted.shipping?.price).toBe(399)
    expect(priceOrder(order({ pricesIncludeTax: true, lines: [line(5000)], shipping })).shipping?.price).toBe(0)
  })

  it('charges nothing for pickup', () => {
    const priced = priceOrder(order({ lines: [line(1000)], shipping: { kind: 'pickup' } }))
    expect(priced.shipping).toEqual({ price: 0, discount: 0, net: 0, tax: 0, gross: 0, taxRate: 2000 })
    expect(priced.totals.total).toBe(1200)
  })

  it('rounds each line once, so tax on three lines can differ from tax on their sum', () => {
    const priced = priceOrder(
      order({ taxRates: { standard: 1000, reduced: 0, zero: 0 }, lines: [line(5), line(5), line(5)] }),
    )
    expect(priced.lines.map((l) => l.tax)).toEqual([1, 1, 1]) // 0.5 each, half away from zero
    expect(priced.totals.tax).toBe(3) // not round(1.5) = 2
  })

  it('rounds a line of several items as one amount, not item by item', () => {
    const priced = priceOrder(order({ taxRates: { standard: 1000, reduced: 0, zero: 0 }, lines: [line(5, 3)] }))
    expect(priced.lines[0]).toMatchObject({ subtotal: 15, tax: 2, gross: 17 }) // 1.5 → 2, not 3 × 1
  })

  it('splits £1.00 off three equal lines as 34, 33 and 33 pence', () => {
    const code: Discount = { code: 'POUND', kind: 'fixed', amount: 100, scope: { kind: 'order' } }
    const priced = priceOrder(order({ lines: [line(1000), line(1000), line(1000)], discount: code }))
    expect(priced.lines.map((l) => l.discount)).toEqual([34, 33, 33])
    expect(priced.lines.map((l) => l.tax)).toEqual([193, 193, 193]) // 193.2, 193.4, 193.4
    expect(priced.totals).toMatchObject({ discount: 100, net: 2900, tax: 579, total: 3479 })
  })

  it('takes a third off three items of 100 as 100 in all', () => {
    const code: Discount = { code: 'THIRD', kind: 'percentage', basisPoints: 3333, scope: { kind: 'order' } }
    const priced = priceOrder(order({ lines: [line(100, 3, 'zero')], discount: code }))
    expect(priced.lines[0]).toMatchObject({ subtotal: 300, discount: 100, net: 200, gross: 200 }) // 99.99
  })

  it('prices yen like any other currency, since amounts are minor units', () => {
    const JP = { standard: 1000, reduced: 800, zero: 0 }
    const priced = priceOrder(
      order({ pricesIncludeTax: true, taxRates: JP, lines: [line(1000), line(540, 1, 'reduced')] }),
    )
    expect(priced.lines.map(({ net, tax }) => [net, tax])).toEqual([
      [909, 91],
      [500, 40],
    ])
    expect(priced.totals.total).toBe(1540)
  })

  it('prices an empty cart as zero', () => {
    expect(priceOrder(order({})).totals).toEqual({ subtotal: 0, discount: 0, shipping: 0, net: 0, tax: 0, total: 0 })
  })

  it('refuses quantities and amounts that are not non-negative integers as a programming error', () => {
    const bad: PriceOrderInput[] = [
      order({ lines: [line(100, 0)] }),
      order({ lines: [line(100, 1.5)] }),
      order({ lines: [line(100, -1)] }),
      order({ lines: [line(-1)] }),
      order({ lines: [line(10.5)] }),
      order({ lines: [line(Number.NaN)] }),
      order({ lines: [line(100, 1, 'luxury' as 'standard')] }),
      order({ lines: [line(Number.MAX_SAFE_INTEGER, 2)] }),
      order({ taxRates: { ...UK, reduced: -5 } }),
      order({ shipping: { kind: 'flat', price: 4.99 } }),
      order({ shipping: { kind: 'free_over', price: 499, threshold: -1 } }),
      order({ discount: { code: 'X', kind: 'percentage', basisPoints: 10_001, scope: { kind: 'order' } } }),
      order({ discount: { code: 'X', kind: 'fixed', amount: -100, scope: { kind: 'order' } } }),
    ]
    for (const input of bad) expect(() => priceOrder(input)).toThrow(InvalidPricingInput)
  })

  it('names the wrong input in the error', () => {
    expect(() => priceOrder(order({ lines: [line(100), line(100, 0)] }))).toThrow(
      expect.objectContaining({ name: 'InvalidPricingInput', field: 'lines[1].quantity', value: 0 }),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { destinationTaxRates, taxAmount } from './tax.js'

describe('tax', () => {
  it('adds tax to a tax-exclusive amount, rounded once', () => {
    expect(taxAmount(2000, 2000, false)).toEqual({ net: 2000, tax: 400, gross: 2400 })
    expect(taxAmount(999, 500, false)).toEqual({ net: 999, tax: 50, gross: 1049 }) // 49.95
    expect(taxAmount(300, 550, false)).toEqual({ net: 300, tax: 17, gross: 317 }) // 16.5, half away from zero
  })

  it('takes the tax out of a tax-inclusive amount, so the customer pays exactly the price shown', () => {
    expect(taxAmount(1200, 2000, true)).toEqual({ net: 1000, tax: 200, gross: 1200 })
    expect(taxAmount(395, 2000, true)).toEqual({ net: 329, tax: 66, gross: 395 }) // net 329.17
    expect(taxAmount(1, 2000, true)).toEqual({ net: 1, tax: 0, gross: 1 }) // net 0.83
  })

  it('charges no tax at a zero rate in either mode', () => {
    expect(taxAmount(799, 0, false)).toEqual({ net: 799, tax: 0, gross: 799 })
    expect(taxAmount(799, 0, true)).toEqual({ net: 799, tax: 0, gross: 799 })
  })

  it('works the same in a currency without minor digits, since everything is minor units', () => {
    expect(taxAmount(1000, 1000, true)).toEqual({ net: 909, tax: 91, gross: 1000 }) // ¥1,000 at 10%
    expect(taxAmount(1000, 800, false)).toEqual({ net: 1000, tax: 80, gross: 1080 })
  })

  it('looks up the destination’s rates by country code, falling back to the shop’s choice', () => {
    const gb = { standard: 2000, reduced: 500, zero: 0 }
    const none = { standard: 0, reduced: 0, zero: 0 }
    expect(destinationTaxRates({ GB: gb }, 'gb', none)).toBe(gb)
    expect(destinationTaxRates({ GB: gb }, 'US', none)).toBe(none)
  })
})

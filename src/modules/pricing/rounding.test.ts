import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocateLargestRemainder, roundHalfAwayFromZero, scaleRounded } from './rounding.js'

describe('rounding', () => {
  it('rounds an exact half away from zero, and anything else to the nearest', () => {
    expect(roundHalfAwayFromZero(1n, 2n)).toBe(1n)
    expect(roundHalfAwayFromZero(33n, 2n)).toBe(17n) // half-even would give 16
    expect(roundHalfAwayFromZero(35n, 2n)).toBe(18n)
    expect(roundHalfAwayFromZero(-5n, 2n)).toBe(-3n)
    expect(roundHalfAwayFromZero(-5n, -2n)).toBe(3n)
    expect(roundHalfAwayFromZero(1n, 3n)).toBe(0n)
    expect(roundHalfAwayFromZero(2n, 3n)).toBe(1n)
    expect(roundHalfAwayFromZero(-2n, 3n)).toBe(-1n)
  })

  it('agrees with Math.round for small non-negative ratios', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 20_000 }), (n, d) => {
        expect(Number(roundHalfAwayFromZero(BigInt(n), BigInt(d)))).toBe(Math.round(n / d))
      }),
      { numRuns: 500 },
    )
  })

  it('scales amounts exactly even where floating point would not', () => {
    expect(scaleRounded(300, 550, 10_000)).toBe(17) // 16.5
    expect(scaleRounded(Number.MAX_SAFE_INTEGER, 1, 1)).toBe(Number.MAX_SAFE_INTEGER)
    expect(scaleRounded(2_000_000_000, 99_999_999, 100_000_000)).toBe(1_999_999_980)
    expect(() => scaleRounded(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError)
  })

  it('splits an amount in proportion, giving leftover units to the largest remainders and ties to the earlier part', () => {
    expect(allocateLargestRemainder(100, [1000, 1000, 1000])).toEqual([34, 33, 33])
    expect(allocateLargestRemainder(250, [1999, 0, 501])).toEqual([200, 0, 50])
    expect(allocateLargestRemainder(10, [1, 1, 8])).toEqual([1, 1, 8])
    expect(allocateLargestRemainder(0, [])).toEqual([])
    expect(allocateLargestRemainder(0, [0, 0])).toEqual([0, 0])
    expect(() => allocateLargestRemainder(1, [0, 0])).toThrow(RangeError)
  })

  it('always allocates the whole amount, within one unit of each exact share and never above a weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, fraction) => {
          const sum = weights.reduce((a, b) => a + b, 0)
          const total = Math.floor(sum * fraction)
          const parts = allocateLargestRemainder(total, weights)
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
          parts.forEach((part, i) => {
            const weight = weights[i] as number
            expect(Number.isSafeInteger(part)).toBe(true)
            expect(part).toBeGreaterThanOrEqual(0)
            expect(part).toBeLessThanOrEqual(weight)
            if (sum > 0) {
              const gap = BigInt(part) * BigInt(sum) - BigInt(total) * BigInt(weight)
              expect(gap < BigInt(sum) && gap > -BigInt(sum)).toBe(true)
            }
          })
        },
      ),
      { numRuns: 500 },
    )
  })
})

/**
 * The one rounding rule of the shop's prices: a rational amount of minor
 * units is rounded to the nearest integer, and an exact half goes away from
 * zero (0.5 → 1, 16.5 → 17, −2.5 → −3). The maths runs on BigInt, so it is
 * exact at any size a shop meets; floats never touch an amount.
 */
export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Cannot divide by zero')
  if (denominator < 0n) return roundHalfAwayFromZero(-numerator, -denominator)
  const quotient = numerator / denominator // truncates toward zero
  const remainder = numerator % denominator // takes the numerator's sign
  const twice = remainder < 0n ? -remainder * 2n : remainder * 2n
  if (twice < denominator) return quotient
  return numerator < 0n ? quotient - 1n : quotient + 1n
}

/** `amount × multiplier / divisor`, rounded by the shop's rule: for tax, percentages and tax extraction. */
export function scaleRounded(amount: number, multiplier: number, divisor: number): number {
  return toSafeNumber(roundHalfAwayFromZero(BigInt(amount) * BigInt(multiplier), BigInt(divisor)))
}

/**
 * Splits `total` into integer parts proportional to `weights` that sum to
 * `total` exactly (largest-remainder method): every part starts at the floor
 * of its exact share, and the minor units left over go one each to the parts
 * with the largest remainders; equal remainders go to the earlier part. No
 * part ever exceeds its exact share rounded up, so with `total ≤ sum(weights)`
 * no part exceeds its weight. All weights zero (or none) gives all zeros and
 * needs `total` to be 0.
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n)
  if (sum === 0n) {
    if (total !== 0) throw new RangeError(`Cannot allocate ${total} over zero weights`)
    return weights.map(() => 0)
  }
  const whole = BigInt(total)
  const shares = weights.map((w, index) => {
    const exact = whole * BigInt(w)
    return { index, floor: exact / sum, remainder: exact % sum }
  })
  let left = whole - shares.reduce((a, s) => a + s.floor, 0n)
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  )
  for (const share of byRemainder) {
    if (left === 0n) break
    share.floor += 1n
    left -= 1n
  }
  return shares.map((s) => toSafeNumber(s.floor))
}

function toSafeNumber(value: bigint): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`${value} minor units is beyond a safe integer`)
  return n
}

/**
 * Pricing trusts its callers to have validated what people typed: a value
 * that reaches it wrong is a bug, so it throws rather than returning a
 * message for a shopper.
 */
export class InvalidPricingInput extends Error {
  override name = 'InvalidPricingInput'

  constructor(
    /** Which input was wrong, as a path: `lines[2].quantity`. */
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${field} must be ${expected}, got ${String(value)}`)
  }
}

/** An amount of money in minor units: a non-negative safe integer. */
export function assertMinor(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidPricingInput(field, value, 'a non-negative integer of minor units')
  }
}

export function assertQuantity(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidPricingInput(field, value, 'a positive integer')
}

/** A rate in basis points (1/100 of a percent); `max` caps percentages that take a share of something. */
export function assertBasisPoints(value: number, field: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new InvalidPricingInput(field, value, `an integer of basis points from 0 to ${max}`)
  }
}

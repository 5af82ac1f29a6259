import { assertMinor } from './guards.js'

/** How a method is priced. Amounts are minor units in the same terms as product prices (with or without tax). */
export type ShippingRate =
  | { kind: 'flat'; price: number }
  /** `price`, or nothing once the goods after discount reach `threshold`. */
  | { kind: 'free_over'; price: number; threshold: number }
  /** Collected from the shop: free, and no address is needed. */
  | { kind: 'pickup' }

export type ShippingMethod = ShippingRate & { id: string; name: string }

export interface ShippingZone {
  id: string
  name: string
  /** ISO 3166-1 alpha-2 codes, or every country no other zone lists. */
  countries: readonly string[] | 'rest_of_world'
  methods: readonly ShippingMethod[]
}

export interface ShippingOption {
  method: ShippingMethod
  /** What the method costs for this order, before any free-shipping code. */
  price: number
  needsAddress: boolean
}

/**
 * A method's price for goods that come to `goodsAmount` after discount (in
 * the same terms prices are entered): a free-over method is free from the
 * threshold on, inclusive.
 */
export function shippingPrice(rate: ShippingRate, goodsAmount: number): number {
  switch (rate.kind) {
    case 'flat':
      return rate.price
    case 'free_over':
      return goodsAmount >= rate.threshold ? 0 : rate.price
    case 'pickup':
      return 0
  }
}

/** The zone a country ships in: the first zone listing it, else the first rest-of-world zone, else none. */
export function zoneFor(zones: readonly ShippingZone[], country: string): ShippingZone | null {
  const code = country.toUpperCase()
  return (
    zones.find((z) => z.countries !== 'rest_of_world' && z.countries.some((c) => c.toUpperCase() === code)) ??
    zones.find((z) => z.countries === 'rest_of_world') ??
    null
  )
}

/** The methods a country can choose, in the zone's order, priced for goods that come to `goodsAmount` after discount. */
export function shippingOptions(
  zones: readonly ShippingZone[],
  country: string,
  goodsAmount: number,
): ShippingOption[] {
  const zone = zoneFor(zones, country)
  if (!zone) return []
  return zone.methods.map((method) => ({
    method,
    price: shippingPrice(method, goodsAmount),
    needsAddress: method.kind !== 'pickup',
  }))
}

export function assertShippingRate(rate: ShippingRate, field = 'shipping'): void {
  if (rate.kind === 'pickup') return
  assertMinor(rate.price, `${field}.price`)
  if (rate.kind === 'free_over') assertMinor(rate.threshold, `${field}.threshold`)
}

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

/** What delivering in a zone costs at least, and from what amount of goods it can cost nothing. */
export interface DeliveryOffer {
  /** The cheapest delivery before any threshold, collection aside; null when the zone only offers collection. */
  from: number | null
  /** The lowest amount of goods from which a delivery is free (0: one always is), or null when none ever is. */
  freeFrom: number | null
  /** The method that is free from `freeFrom`. */
  freeMethod: ShippingMethod | null
}

/**
 * The cheapest delivery of a zone's methods and the lowest free-delivery
 * threshold, for telling shoppers before checkout what delivery will cost.
 * Collection is left out: it is free, but it is not delivery.
 */
export function deliveryOffer(methods: readonly ShippingMethod[]): DeliveryOffer {
  let from: number | null = null
  let freeFrom: number | null = null
  let freeMethod: ShippingMethod | null = null
  for (const method of methods) {
    if (method.kind === 'pickup') continue
    if (from === null || method.price < from) from = method.price
    const threshold = method.kind === 'flat' ? (method.price === 0 ? 0 : null) : method.threshold
    if (threshold !== null && (freeFrom === null || threshold < freeFrom)) {
      freeFrom = threshold
      freeMethod = method
    }
  }
  return { from, freeFrom, freeMethod }
}

/** Where goods coming to `goodsAmount` stand against an offer: delivered free, some way short of it, or simply priced. */
export type DeliveryStanding =
  | { kind: 'free'; method: ShippingMethod; threshold: number }
  | { kind: 'short'; away: number; threshold: number; from: number }
  | { kind: 'priced'; from: number }

/** Null when the offer has no delivery at all (collection only). */
export function deliveryStanding(offer: DeliveryOffer, goodsAmount: number): DeliveryStanding | null {
  if (offer.from === null) return null
  if (offer.freeFrom !== null && offer.freeMethod && goodsAmount >= offer.freeFrom)
    return { kind: 'free', method: offer.freeMethod, threshold: offer.freeFrom }
  if (offer.freeFrom !== null)
    return { kind: 'short', away: offer.freeFrom - goodsAmount, threshold: offer.freeFrom, from: offer.from }
  return { kind: 'priced', from: offer.from }
}

export function assertShippingRate(rate: ShippingRate, field = 'shipping'): void {
  if (rate.kind === 'pickup') return
  assertMinor(rate.price, `${field}.price`)
  if (rate.kind === 'free_over') assertMinor(rate.threshold, `${field}.threshold`)
}

import { formatMoney } from '../../lib/money.js'
import { type DeliveryOffer, deliveryOffer, deliveryStanding, zoneFor } from '../pricing/shipping.js'
import { countryName } from '../settings/countries.js'
import type { ShopSettings } from '../settings/settings.service.js'

/** A line on what delivery costs, shown before checkout so the delivery price is no surprise there. */
export interface DeliveryNote {
  headline: string
  detail: string | null
}

/**
 * The offer of the zone of the shop's own country, where most shoppers are:
 * the one note every visitor sees (a shopper elsewhere sees their prices at
 * the checkout's delivery step). Null when that zone has no delivery.
 */
function homeOffer(shop: ShopSettings): { offer: DeliveryOffer; where: string } | null {
  const zone = zoneFor(shop.shippingZones, shop.country)
  if (!zone) return null
  const offer = deliveryOffer(zone.methods)
  if (offer.from === null) return null
  // A shop that ships to one zone only need not say where its prices are for.
  const where = shop.shippingZones.length > 1 ? ` (${countryName(shop.country, shop.locale)})` : ''
  return { offer, where }
}

function priceLine(offer: DeliveryOffer, money: (minor: number) => string): string {
  if (offer.freeFrom === 0) return 'Free delivery'
  const from = `Delivery from ${money(offer.from ?? 0)}`
  return offer.freeFrom === null ? from : `${from}, free on orders of ${money(offer.freeFrom)} or more`
}

/**
 * The product page's note: "Delivery from £3.95, free on orders of £50.00 or
 * more". It depends on the shop's settings only, never on a visitor's cart,
 * so the page stays the same for everyone and may be served from the page
 * cache (which a settings change clears).
 */
export function productDeliveryNote(shop: ShopSettings): DeliveryNote | null {
  const home = homeOffer(shop)
  if (!home) return null
  const money = (minor: number) => formatMoney(minor, shop.currency, shop.locale)
  return { headline: `${priceLine(home.offer, money)}${home.where}`, detail: null }
}

/**
 * The cart's note for goods coming to `subtotal` (the cart's lines at
 * today's prices, in the terms prices are entered in, as the threshold is):
 * "£12.50 away from free delivery", or "Free delivery on this order" once
 * the threshold is reached, else what delivery costs at least.
 */
export function cartDeliveryNote(shop: ShopSettings, subtotal: number): DeliveryNote | null {
  const home = homeOffer(shop)
  if (!home) return null
  const standing = deliveryStanding(home.offer, subtotal)
  if (!standing) return null
  const money = (minor: number) => formatMoney(minor, shop.currency, shop.locale)
  switch (standing.kind) {
    case 'free':
      return {
        headline: 'Free delivery on this order',
        detail:
          standing.threshold === 0
            ? `${standing.method.name} is free${home.where}.`
            : `${standing.method.name} is free on orders of ${money(standing.threshold)} or more${home.where}.`,
      }
    case 'short':
      return {
        headline: `${money(standing.away)} away from free delivery`,
        detail: `${priceLine(home.offer, money)}${home.where}.`,
      }
    case 'priced':
      return { headline: `${priceLine(home.offer, money)}${home.where}`, detail: null }
  }
}

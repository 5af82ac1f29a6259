import type { Db } from '../../db/connection.js'
import { decimalAmount } from '../../lib/money.js'
import { missing } from '../../lib/outcomes.js'
import type { FieldErrors } from '../../lib/validation.js'
import type { ShippingMethod } from '../pricing/shipping.js'
import { getShopSettings, type ShopSettings } from './settings.service.js'
import { methodInput } from './shipping.forms.js'
import { describeMethod, findMethod, findZone, zoneList } from './shipping-settings.service.js'

type Zone = ShopSettings['shippingZones'][number]

/** A form sent back with its errors, shown again instead of the stored values. */
type Sent = { values: Record<string, unknown>; errors: FieldErrors }

/** A name short enough for a page title, which has the shop's name after it. */
const short = (name: string) => (name.length > 20 ? `${name.slice(0, 19)}…` : name)

/** A zone as its form shows it. */
const zoneValues = (zone: Zone) => ({
  name: zone.name,
  countries: zone.countries === 'rest_of_world' ? '' : zone.countries.join(', '),
  restOfWorld: zone.countries === 'rest_of_world' ? 'on' : '',
})

/** A method as its form shows it, amounts in the shop's currency. */
const methodValues = (method: ShippingMethod, currency: string) => ({
  name: method.name,
  kind: method.kind,
  price: method.kind === 'pickup' ? '' : decimalAmount(method.price, currency),
  threshold: method.kind === 'free_over' ? decimalAmount(method.threshold, currency) : '',
})

/** The zones, each with its countries and its methods' prices in words. */
export async function shippingSettingsPage(db: Db) {
  const shop = await getShopSettings(db)
  return {
    kind: 'page' as const,
    title: 'Shipping',
    zones: zoneList(shop),
    // Shipping prices are entered as product prices are.
    pricesEntered: shop.pricesIncludeTax ? 'with tax included' : 'without tax',
    errors: {},
  }
}

export function newZonePage(sent?: Sent) {
  return { kind: 'page' as const, title: 'New shipping zone', values: sent?.values ?? {}, errors: sent?.errors ?? {} }
}

/** A zone with its methods, and its own form. */
export async function zonePage(db: Db, id: string, sent?: Sent) {
  const zone = zoneList(await getShopSettings(db)).find((z) => z.id === id)
  if (!zone) return missing
  return {
    kind: 'page' as const,
    title: `Zone ${short(zone.name)}`,
    zone,
    values: sent?.values ?? zoneValues(zone),
    errors: sent?.errors ?? {},
  }
}

/** Confirming a zone's removal; removing the last one leaves nowhere to send to, which the page says. */
export async function zoneRemovalPage(db: Db, id: string) {
  const shop = await getShopSettings(db)
  const zone = findZone(shop, id)
  if (!zone) return missing
  return {
    kind: 'page' as const,
    title: `Remove the zone ${short(zone.name)}`,
    zone,
    unlessWorld: zone.countries === 'rest_of_world' ? '' : ', unless a rest-of-the-world zone covers them',
    methodsGo: `${zone.methods.length} delivery ${zone.methods.length === 1 ? 'method goes' : 'methods go'}`,
    last: shop.shippingZones.length === 1,
    errors: {},
  }
}

/** The form of a zone's new method (`methodId` null) or of one of its methods. */
export async function methodPage(db: Db, ids: { zone: string; method: string | null }, sent?: Sent) {
  const shop = await getShopSettings(db)
  const zone = findZone(shop, ids.zone)
  const method = zone && ids.method !== null ? findMethod(zone, ids.method) : null
  if (!zone || (ids.method !== null && !method)) return missing
  return {
    kind: 'page' as const,
    title: method ? `Method ${short(method.name)}` : `New method in ${short(zone.name)}`,
    zone,
    method,
    currency: shop.currency,
    values: sent?.values ?? (method ? methodValues(method, shop.currency) : { kind: 'flat' }),
    errors: sent?.errors ?? {},
  }
}

/** Confirming a method's removal; removing a zone's last one stops checkout there, which the page says. */
export async function methodRemovalPage(db: Db, ids: { zone: string; method: string }) {
  const shop = await getShopSettings(db)
  const zone = findZone(shop, ids.zone)
  const method = zone && findMethod(zone, ids.method)
  if (!zone || !method) return missing
  return {
    kind: 'page' as const,
    title: `Remove ${short(method.name)}`,
    zone,
    method,
    price: describeMethod(method, shop),
    last: zone.methods.length === 1,
    errors: {},
  }
}

/** The method form's schema: its amounts are read in the shop's currency. */
export async function methodSchema(db: Db) {
  return methodInput((await getShopSettings(db)).currency)
}

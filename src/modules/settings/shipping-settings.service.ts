import type { Db } from '../../db/connection.js'
import { formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import type { FieldErrors } from '../../lib/validation.js'
import type { Actor } from '../activity/activity.service.js'
import { slugify } from '../catalogue/catalogue.service.js'
import type { ShippingMethod } from '../pricing/shipping.js'
import { countryName } from './countries.js'
import { changeShopSettings, type SettingsOutcome, type ShopSettings } from './settings.service.js'
import type { MethodFields, ZoneFields } from './shipping.forms.js'

type Zone = ShopSettings['shippingZones'][number]
type ZoneAndMethod = { zone: Zone; method: ShippingMethod }

/**
 * An id made from a name, unique among `taken`: lower-case letters, digits
 * and dashes, so it reads well in a URL. "new" is a page of its own there.
 */
export function idFromName(name: string, taken: ReadonlySet<string>, fallback: string): string {
  // Cut short, a name can end in a dash.
  const base = slugify(name, { maxLength: 40, fallback: '' }).replace(/-+$/, '') || fallback
  let id = base
  for (let n = 2; taken.has(id) || id === 'new'; n++) id = `${base}-${n}`
  return id
}

export function findZone(shop: ShopSettings, id: string): Zone | null {
  return shop.shippingZones.find((z) => z.id === id) ?? null
}

export function findMethod(zone: Zone, id: string): ShippingMethod | null {
  return zone.methods.find((m) => m.id === id) ?? null
}

/** What a method costs, in words: "£3.95", "£3.95, free from £50.00", "free: collected". */
export function describeMethod(method: ShippingMethod, shop: ShopSettings): string {
  const money = (minor: number) => formatMoney(minor, shop.currency, shop.locale)
  switch (method.kind) {
    case 'flat':
      return method.price === 0 ? 'free' : money(method.price)
    case 'free_over':
      return `${money(method.price)}, free from ${money(method.threshold)}`
    case 'pickup':
      return 'free: collected from the shop'
  }
}

/** The zones as the owner reads them: countries by name, each method's price in words. */
export function zoneList(shop: ShopSettings) {
  return shop.shippingZones.map((zone) =>
    withFields(zone, {
      countryNames:
        zone.countries === 'rest_of_world'
          ? 'Every country no other zone lists'
          : zone.countries.map((c) => countryName(c, shop.locale)).join(', '),
      methodList: zone.methods.map((m) => ({ ...m, price: describeMethod(m, shop) })),
    }),
  )
}

/** A country ships in one zone, and one zone at most covers the rest of the world. */
function zoneClashes(shop: ShopSettings, fields: ZoneFields, exceptId: string | null): FieldErrors | null {
  const others = shop.shippingZones.filter((z) => z.id !== exceptId)
  if (fields.countries === 'rest_of_world') {
    const world = others.find((z) => z.countries === 'rest_of_world')
    return world
      ? { restOfWorld: `The zone ${world.name} covers the rest of the world already: a shop has one such zone` }
      : null
  }
  const taken = fields.countries.flatMap((code) => {
    const zone = others.find((z) => z.countries !== 'rest_of_world' && z.countries.includes(code))
    return zone ? [`${code} is in ${zone.name}`] : []
  })
  return taken.length ? { countries: `A country ships in one zone only: ${taken.slice(0, 5).join(', ')}` } : null
}

const listed = (countries: Zone['countries']) =>
  countries === 'rest_of_world' ? 'the rest of the world' : countries.join(', ')

export function createZone(db: Db, actor: Actor, fields: ZoneFields): Promise<SettingsOutcome<Zone>> {
  return changeShopSettings<Zone>(db, actor, (shop) => {
    const errors = zoneClashes(shop, fields, null)
    if (errors) return { kind: 'invalid', errors }
    const id = idFromName(fields.name, new Set(shop.shippingZones.map((z) => z.id)), 'zone')
    const zone: Zone = { id, name: fields.name, countries: fields.countries, methods: [] }
    return {
      kind: 'change',
      values: { shippingZones: [...shop.shippingZones, zone] },
      summary: `Added the shipping zone ${zone.name} (${listed(zone.countries)})`,
      result: zone,
    }
  })
}

/** Renames a zone or changes its countries; its id and methods stay. */
export function updateZone(db: Db, actor: Actor, id: string, fields: ZoneFields): Promise<SettingsOutcome<Zone>> {
  return changeShopSettings<Zone>(db, actor, (shop) => {
    const before = findZone(shop, id)
    if (!before) return { kind: 'missing' }
    const errors = zoneClashes(shop, fields, id)
    if (errors) return { kind: 'invalid', errors }
    const zone: Zone = withFields(before, { name: fields.name, countries: fields.countries })
    return {
      kind: 'change',
      values: { shippingZones: shop.shippingZones.map((z) => (z.id === id ? zone : z)) },
      summary: `Changed the shipping zone ${before.name}: ${before.name} (${listed(before.countries)}) → ${zone.name} (${listed(zone.countries)})`,
      result: zone,
    }
  })
}

export function removeZone(db: Db, actor: Actor, id: string): Promise<SettingsOutcome<Zone>> {
  return changeShopSettings<Zone>(db, actor, (shop) => {
    const zone = findZone(shop, id)
    if (!zone) return { kind: 'missing' }
    return {
      kind: 'change',
      values: { shippingZones: shop.shippingZones.filter((z) => z.id !== id) },
      summary: `Removed the shipping zone ${zone.name} (${listed(zone.countries)})`,
      result: zone,
    }
  })
}

/** The zones with one zone's methods replaced. */
const withMethods = (shop: ShopSettings, zoneId: string, methods: ShippingMethod[]) =>
  shop.shippingZones.map((z) => (z.id === zoneId ? withFields(z, { methods }) : z))

/** Ids are unique across zones: an order in progress names its method by id. */
const methodIds = (shop: ShopSettings) => new Set(shop.shippingZones.flatMap((z) => z.methods.map((m) => m.id)))

export function addMethod(
  db: Db,
  actor: Actor,
  zoneId: string,
  fields: MethodFields,
): Promise<SettingsOutcome<ZoneAndMethod>> {
  return changeShopSettings<ZoneAndMethod>(db, actor, (shop) => {
    const zone = findZone(shop, zoneId)
    if (!zone) return { kind: 'missing' }
    const method = withFields(fields, { id: idFromName(fields.name, methodIds(shop), 'method') }) as ShippingMethod
    return {
      kind: 'change',
      values: { shippingZones: withMethods(shop, zone.id, [...zone.methods, method]) },
      summary: `Added the delivery method ${method.name} to ${zone.name}: ${describeMethod(method, shop)}`,
      result: { zone, method },
    }
  })
}

/** Changes one method of a zone: `change` gives the zone's new methods and the method to answer with. */
function changeMethod(
  db: Db,
  actor: Actor,
  ids: { zoneId: string; methodId: string },
  change: (
    shop: ShopSettings,
    found: ZoneAndMethod,
  ) => { methods: ShippingMethod[]; method: ShippingMethod; summary: string },
): Promise<SettingsOutcome<ZoneAndMethod>> {
  return changeShopSettings<ZoneAndMethod>(db, actor, (shop) => {
    const zone = findZone(shop, ids.zoneId)
    const before = zone && findMethod(zone, ids.methodId)
    if (!zone || !before) return { kind: 'missing' }
    const { methods, method, summary } = change(shop, { zone, method: before })
    return {
      kind: 'change',
      values: { shippingZones: withMethods(shop, zone.id, methods) },
      summary,
      result: { zone, method },
    }
  })
}

/** Changes a method in place; its id stays, so a checkout that chose it keeps it. */
export function updateMethod(
  db: Db,
  actor: Actor,
  zoneId: string,
  methodId: string,
  fields: MethodFields,
): Promise<SettingsOutcome<ZoneAndMethod>> {
  return changeMethod(db, actor, { zoneId, methodId }, (shop, { zone, method: before }) => {
    const method = withFields(fields, { id: before.id }) as ShippingMethod
    return {
      methods: zone.methods.map((m) => (m.id === before.id ? method : m)),
      method,
      summary: `Changed the delivery method ${before.name} of ${zone.name}: ${before.name}, ${describeMethod(before, shop)} → ${method.name}, ${describeMethod(method, shop)}`,
    }
  })
}

export function removeMethod(
  db: Db,
  actor: Actor,
  zoneId: string,
  methodId: string,
): Promise<SettingsOutcome<ZoneAndMethod>> {
  return changeMethod(db, actor, { zoneId, methodId }, (_shop, { zone, method }) => ({
    methods: zone.methods.filter((m) => m.id !== method.id),
    method,
    summary: `Removed the delivery method ${method.name} from ${zone.name}`,
  }))
}

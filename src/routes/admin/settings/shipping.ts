import type { FastifyInstance, FastifyReply } from 'fastify'
import { decimalAmount } from '../../../lib/money.js'
import { validate } from '../../../lib/validation.js'
import type { ShippingMethod } from '../../../modules/pricing/shipping.js'
import { getShopSettings, type ShopSettings } from '../../../modules/settings/settings.service.js'
import { methodInput, zoneInput } from '../../../modules/settings/shipping.forms.js'
import {
  addMethod,
  createZone,
  describeMethod,
  findMethod,
  findZone,
  removeMethod,
  removeZone,
  updateMethod,
  updateZone,
  zoneList,
} from '../../../modules/settings/shipping-settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

type ZoneParams = { Params: { zone: string } }
type MethodParams = { Params: { zone: string; method: string } }
type Zone = ShopSettings['shippingZones'][number]

const base = '/admin/settings/shipping'

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

/** Owners: shipping zones (the countries each covers, or the rest of the world) and their delivery methods. */
export default async function settingsShippingRoutes(app: FastifyInstance) {
  const view = (reply: FastifyReply, template: string, title: string, data: Record<string, unknown>) =>
    reply.render(`admin/settings/shipping/${template}`, { title, errors: {}, ...data })

  app.get(base, async (_request, reply) => {
    const shop = await getShopSettings(app.db)
    return view(reply, 'index', 'Shipping', { zones: zoneList(shop) })
  })

  // Zones

  async function zonePage(reply: FastifyReply, id: string | null, extra: Record<string, unknown> = {}) {
    const shop = await getShopSettings(app.db)
    if (id === null) return view(reply, 'new', 'New shipping zone', { values: {}, ...extra })
    const zone = zoneList(shop).find((z) => z.id === id)
    if (!zone) return reply.callNotFound()
    return view(reply, 'edit', `Zone ${short(zone.name)}`, { zone, values: zoneValues(zone), ...extra })
  }

  app.get(`${base}/new`, async (_request, reply) => zonePage(reply, null))

  app.post(base, async (request, reply) => {
    const checked = validate(zoneInput, request.body)
    const outcome = checked.ok ? await createZone(app.db, signedInUser(request), checked.value) : checked
    if ('errors' in outcome)
      return zonePage(reply.code(422), null, { values: request.body ?? {}, errors: outcome.errors })
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `The zone ${outcome.result.name} is added: now add its delivery methods.`)
    return reply.redirect(`${base}/${outcome.result.id}`, 303)
  })

  app.get<ZoneParams>(`${base}/:zone`, async (request, reply) => zonePage(reply, request.params.zone))

  app.post<ZoneParams>(`${base}/:zone`, async (request, reply) => {
    const id = request.params.zone
    const checked = validate(zoneInput, request.body)
    const outcome = checked.ok ? await updateZone(app.db, signedInUser(request), id, checked.value) : checked
    if ('errors' in outcome)
      return zonePage(reply.code(422), id, { values: request.body ?? {}, errors: outcome.errors })
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `The zone ${outcome.result.name} is saved.`)
    return reply.redirect(`${base}/${id}`, 303)
  })

  app.get<ZoneParams>(`${base}/:zone/removal`, async (request, reply) => {
    const shop = await getShopSettings(app.db)
    const zone = findZone(shop, request.params.zone)
    if (!zone) return reply.callNotFound()
    return view(reply, 'removal', `Remove the zone ${short(zone.name)}`, {
      zone,
      last: shop.shippingZones.length === 1,
    })
  })

  app.post<ZoneParams>(`${base}/:zone/removal`, async (request, reply) => {
    const outcome = await removeZone(app.db, signedInUser(request), request.params.zone)
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `The zone ${outcome.result.name} is removed.`)
    return reply.redirect(base, 303)
  })

  // Methods of a zone

  async function methodPage(
    reply: FastifyReply,
    params: { zone: string; method: string | null },
    extra: Record<string, unknown> = {},
  ) {
    const shop = await getShopSettings(app.db)
    const zone = findZone(shop, params.zone)
    const method = zone && params.method !== null ? findMethod(zone, params.method) : null
    if (!zone || (params.method !== null && !method)) return reply.callNotFound()
    return view(
      reply,
      method ? 'method-edit' : 'method-new',
      method ? `Method ${short(method.name)}` : `New method in ${short(zone.name)}`,
      {
        zone,
        method,
        currency: shop.currency,
        values: method ? methodValues(method, shop.currency) : { kind: 'flat' },
        ...extra,
      },
    )
  }

  const methodSchema = async () => methodInput((await getShopSettings(app.db)).currency)

  app.get<ZoneParams>(`${base}/:zone/methods/new`, async (request, reply) =>
    methodPage(reply, { zone: request.params.zone, method: null }),
  )

  app.post<ZoneParams>(`${base}/:zone/methods`, async (request, reply) => {
    const params = { zone: request.params.zone, method: null }
    const checked = validate(await methodSchema(), request.body)
    const outcome = checked.ok ? await addMethod(app.db, signedInUser(request), params.zone, checked.value) : checked
    if ('errors' in outcome)
      return methodPage(reply.code(422), params, { values: request.body ?? {}, errors: outcome.errors })
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `${outcome.result.method.name} is added to ${outcome.result.zone.name}.`)
    return reply.redirect(`${base}/${params.zone}`, 303)
  })

  app.get<MethodParams>(`${base}/:zone/methods/:method`, async (request, reply) => methodPage(reply, request.params))

  app.post<MethodParams>(`${base}/:zone/methods/:method`, async (request, reply) => {
    const params = request.params
    const checked = validate(await methodSchema(), request.body)
    const outcome = checked.ok
      ? await updateMethod(app.db, signedInUser(request), params.zone, params.method, checked.value)
      : checked
    if ('errors' in outcome)
      return methodPage(reply.code(422), params, { values: request.body ?? {}, errors: outcome.errors })
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `${outcome.result.method.name} is saved.`)
    return reply.redirect(`${base}/${params.zone}`, 303)
  })

  app.get<MethodParams>(`${base}/:zone/methods/:method/removal`, async (request, reply) => {
    const shop = await getShopSettings(app.db)
    const zone = findZone(shop, request.params.zone)
    const method = zone && findMethod(zone, request.params.method)
    if (!zone || !method) return reply.callNotFound()
    return view(reply, 'method-removal', `Remove ${short(method.name)}`, {
      zone,
      method,
      price: describeMethod(method, shop),
      last: zone.methods.length === 1,
    })
  })

  app.post<MethodParams>(`${base}/:zone/methods/:method/removal`, async (request, reply) => {
    const { zone, method } = request.params
    const outcome = await removeMethod(app.db, signedInUser(request), zone, method)
    if (outcome.kind !== 'saved') return reply.callNotFound()
    request.flash('success', `${outcome.result.method.name} is removed from ${outcome.result.zone.name}.`)
    return reply.redirect(`${base}/${zone}`, 303)
  })
}

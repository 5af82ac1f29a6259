import type { FastifyInstance, FastifyReply } from 'fastify'
import { withValid } from '../../../lib/outcomes.js'
import { type FieldErrors, validate } from '../../../lib/validation.js'
import { methodParams, zoneInput, zoneParams } from '../../../modules/settings/shipping.forms.js'
import {
  methodPage,
  methodRemovalPage,
  methodSchema,
  newZonePage,
  shippingSettingsPage,
  zonePage,
  zoneRemovalPage,
} from '../../../modules/settings/shipping-pages.js'
import {
  addMethod,
  createZone,
  removeMethod,
  removeZone,
  updateMethod,
  updateZone,
} from '../../../modules/settings/shipping-settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

type ZoneParams = { Params: { zone: string } }
type MethodParams = { Params: { zone: string; method: string } }
type Sent = { values: Record<string, string>; errors: FieldErrors }

const base = '/admin/settings/shipping'
const views = 'admin/settings/shipping'

/** Owners: shipping zones (the countries each covers, or the rest of the world) and their delivery methods. */
export default async function settingsShippingRoutes(app: FastifyInstance) {
  /** A page of a zone or a method, or the not-found page when there is no such zone or method. */
  const show = (reply: FastifyReply, template: string, page: { kind: 'page' } | { kind: 'missing' }) =>
    page.kind === 'page' ? reply.render(`${views}/${template}`, page) : reply.callNotFound()

  app.get(base, async (_request, reply) => reply.render(`${views}/index`, await shippingSettingsPage(app.db)))

  // Zones

  const editZone = async (reply: FastifyReply, id: string, sent?: Sent) =>
    show(reply, 'edit', await zonePage(app.db, id, sent))

  app.get(`${base}/new`, async (_request, reply) => reply.render(`${views}/new`, newZonePage()))

  app.post(base, async (request, reply) => {
    const result = await withValid(validate(zoneInput, request.body), (input) =>
      createZone(app.db, signedInUser(request), input),
    )
    return reply.answer(result, {
      done: ({ result: zone }) => ({
        to: `${base}/${zone.id}`,
        flash: `The zone ${zone.name} is added: now add its delivery methods.`,
      }),
      back: base,
      form: (sent) => reply.render(`${views}/new`, newZonePage(sent)),
    })
  })

  app.get<ZoneParams>(`${base}/:zone`, async (request, reply) => editZone(reply, zoneParams.parse(request.params).zone))

  app.post<ZoneParams>(`${base}/:zone`, async (request, reply) => {
    const { zone: id } = zoneParams.parse(request.params)
    const result = await withValid(validate(zoneInput, request.body), (input) =>
      updateZone(app.db, signedInUser(request), id, input),
    )
    return reply.answer(result, {
      done: ({ result: zone }) => ({ to: `${base}/${id}`, flash: `The zone ${zone.name} is saved.` }),
      back: base,
      form: (sent) => editZone(reply, id, sent),
    })
  })

  app.get<ZoneParams>(`${base}/:zone/removal`, async (request, reply) =>
    show(reply, 'removal', await zoneRemovalPage(app.db, zoneParams.parse(request.params).zone)),
  )

  app.post<ZoneParams>(`${base}/:zone/removal`, async (request, reply) => {
    const result = await removeZone(app.db, signedInUser(request), zoneParams.parse(request.params).zone)
    return reply.answer(result, {
      done: ({ result: zone }) => ({ to: base, flash: `The zone ${zone.name} is removed.` }),
      back: base,
    })
  })

  // Methods of a zone

  const methodForm = async (reply: FastifyReply, ids: { zone: string; method: string | null }, sent?: Sent) =>
    show(reply, ids.method === null ? 'method-new' : 'method-edit', await methodPage(app.db, ids, sent))

  app.get<ZoneParams>(`${base}/:zone/methods/new`, async (request, reply) =>
    methodForm(reply, { zone: zoneParams.parse(request.params).zone, method: null }),
  )

  app.post<ZoneParams>(`${base}/:zone/methods`, async (request, reply) => {
    const { zone } = zoneParams.parse(request.params)
    const result = await withValid(validate(await methodSchema(app.db), request.body), (input) =>
      addMethod(app.db, signedInUser(request), zone, input),
    )
    return reply.answer(result, {
      done: ({ result: added }) => ({
        to: `${base}/${zone}`,
        flash: `${added.method.name} is added to ${added.zone.name}.`,
      }),
      back: base,
      form: (sent) => methodForm(reply, { zone, method: null }, sent),
    })
  })

  app.get<MethodParams>(`${base}/:zone/methods/:method`, async (request, reply) =>
    methodForm(reply, methodParams.parse(request.params)),
  )

  app.post<MethodParams>(`${base}/:zone/methods/:method`, async (request, reply) => {
    const ids = methodParams.parse(request.params)
    const result = await withValid(validate(await methodSchema(app.db), request.body), (input) =>
      updateMethod(app.db, signedInUser(request), ids.zone, ids.method, input),
    )
    return reply.answer(result, {
      done: ({ result: saved }) => ({ to: `${base}/${ids.zone}`, flash: `${saved.method.name} is saved.` }),
      back: base,
      form: (sent) => methodForm(reply, ids, sent),
    })
  })

  app.get<MethodParams>(`${base}/:zone/methods/:method/removal`, async (request, reply) =>
    show(reply, 'method-removal', await methodRemovalPage(app.db, methodParams.parse(request.params))),
  )

  app.post<MethodParams>(`${base}/:zone/methods/:method/removal`, async (request, reply) => {
    const ids = methodParams.parse(request.params)
    const result = await removeMethod(app.db, signedInUser(request), ids.zone, ids.method)
    return reply.answer(result, {
      done: ({ result: removed }) => ({
        to: `${base}/${ids.zone}`,
        flash: `${removed.method.name} is removed from ${removed.zone.name}.`,
      }),
      back: base,
    })
  })
}

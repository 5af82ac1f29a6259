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

/** Where the zones are listed, and every change leads back to. */
const base = '/admin/settings/shipping'

/** Owners: shipping zones (the countries each covers, or the rest of the world) and their delivery methods. */
export default async function settingsShippingRoutes(app: FastifyInstance) {
  app.get('/admin/settings/shipping', async (_request, reply) =>
    reply.render('admin/settings/shipping/index', await shippingSettingsPage(app.db)),
  )

  // Zones

  const editZone = async (reply: FastifyReply, id: string, sent?: Sent) =>
    reply.show('admin/settings/shipping/edit', await zonePage(app.db, id, sent))

  app.get('/admin/settings/shipping/new', async (_request, reply) =>
    reply.render('admin/settings/shipping/new', newZonePage()),
  )

  app.post('/admin/settings/shipping', async (request, reply) => {
    const result = await withValid(validate(zoneInput, request.body), (input) =>
      createZone(app.db, signedInUser(request), input),
    )
    return reply.answer(result, {
      done: ({ result: zone }) => ({
        to: `${base}/${zone.id}`,
        flash: `The zone ${zone.name} is added: now add its delivery methods.`,
      }),
      back: base,
      form: (sent) => reply.render('admin/settings/shipping/new', newZonePage(sent)),
    })
  })

  app.get<ZoneParams>('/admin/settings/shipping/:zone', async (request, reply) =>
    editZone(reply, zoneParams.parse(request.params).zone),
  )

  app.post<ZoneParams>('/admin/settings/shipping/:zone', async (request, reply) => {
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

  app.get<ZoneParams>('/admin/settings/shipping/:zone/removal', async (request, reply) =>
    reply.show('admin/settings/shipping/removal', await zoneRemovalPage(app.db, zoneParams.parse(request.params).zone)),
  )

  app.post<ZoneParams>('/admin/settings/shipping/:zone/removal', async (request, reply) => {
    const result = await removeZone(app.db, signedInUser(request), zoneParams.parse(request.params).zone)
    return reply.answer(result, {
      done: ({ result: zone }) => ({ to: base, flash: `The zone ${zone.name} is removed.` }),
      back: base,
    })
  })

  // Methods of a zone

  const methodForm = async (reply: FastifyReply, ids: { zone: string; method: string | null }, sent?: Sent) =>
    reply.show(
      ids.method === null ? 'admin/settings/shipping/method-new' : 'admin/settings/shipping/method-edit',
      await methodPage(app.db, ids, sent),
    )

  app.get<ZoneParams>('/admin/settings/shipping/:zone/methods/new', async (request, reply) =>
    methodForm(reply, { zone: zoneParams.parse(request.params).zone, method: null }),
  )

  app.post<ZoneParams>('/admin/settings/shipping/:zone/methods', async (request, reply) => {
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

  app.get<MethodParams>('/admin/settings/shipping/:zone/methods/:method', async (request, reply) =>
    methodForm(reply, methodParams.parse(request.params)),
  )

  app.post<MethodParams>('/admin/settings/shipping/:zone/methods/:method', async (request, reply) => {
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

  app.get<MethodParams>('/admin/settings/shipping/:zone/methods/:method/removal', async (request, reply) =>
    reply.show(
      'admin/settings/shipping/method-removal',
      await methodRemovalPage(app.db, methodParams.parse(request.params)),
    ),
  )

  app.post<MethodParams>('/admin/settings/shipping/:zone/methods/:method/removal', async (request, reply) => {
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

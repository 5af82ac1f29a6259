import type { FastifyInstance, FastifyReply } from 'fastify'
import { withValid } from '../../../lib/outcomes.js'
import { type FieldErrors, validate } from '../../../lib/validation.js'
import { sentSettings, settingsInput } from '../../../modules/settings/settings.forms.js'
import { saveShopSettings, settingsPage } from '../../../modules/settings/settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

/** Owners: the shop's settings, on one form in sections. */
export default async function settingsRoutes(app: FastifyInstance) {
  const page = async (reply: FastifyReply, sent?: { values: Record<string, unknown>; errors: FieldErrors }) => {
    const server = { stripeReady: app.payments.stripe !== null, defaultMailFrom: app.config.mailFrom }
    return reply.render('admin/settings/edit', await settingsPage(app.db, server, sent))
  }

  app.get('/admin/settings', async (_request, reply) => page(reply))

  app.post('/admin/settings', async (request, reply) => {
    const result = await withValid(validate(settingsInput, request.body), (input) =>
      saveShopSettings(app.db, signedInUser(request), input),
    )
    return reply.answer(result, {
      done: (saved) => ({ to: '/admin/settings', flash: saved.notice }),
      back: '/admin/settings',
      form: ({ errors }) => page(reply, { values: sentSettings(request.body), errors }),
    })
  })
}

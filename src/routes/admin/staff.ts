import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import {
  changeStaff,
  invitationInput,
  inviteStaff,
  roleInput,
  staffPage,
  staffRemovalPage,
} from '../../modules/accounts/staff.service.js'
import { signedInUser } from '../../plugins/auth.js'
import { siteOrigin } from '../../plugins/csrf.js'

/** Owners: the staff, invitations by email, roles, and removing someone (confirmed on a page of its own). */
export default async function staffRoutes(app: FastifyInstance) {
  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    sent?: { values?: Record<string, string>; errors: FieldErrors },
  ) => reply.render('admin/staff/index', await staffPage(app.db, signedInUser(request), sent))

  const back = '/admin/staff'

  app.get(back, async (request, reply) => page(request, reply))

  app.post('/admin/staff/invitations', async (request, reply) => {
    const result = await withValid(validate(invitationInput, request.body), (input) =>
      inviteStaff(app.db, signedInUser(request), input, siteOrigin(app.config, request)),
    )
    if (result.kind === 'invited') app.wakeMailWorker()
    return reply.answer(result, {
      done: () => ({ to: back, flash: 'The invitation is on its way. Its link works for a week.' }),
      back,
      form: (sent) => page(request, reply, sent),
    })
  })

  app.post<IdParams>('/admin/staff/:id/role', async (request, reply) => {
    const result = await withValid(validate(roleInput, request.body), ({ role }) =>
      changeStaff(app.db, signedInUser(request), idOf(request), { role }),
    )
    return reply.answer(result, {
      done: () => ({ to: back, flash: 'The role is changed; they sign in again with it.' }),
      back,
      // The invitation form below keeps its own values: what was sent was someone's role.
      form: ({ errors }) => page(request, reply, { errors }),
    })
  })

  app.get<IdParams>('/admin/staff/:id/removal', async (request, reply) => {
    const removal = await staffRemovalPage(app.db, idOf(request))
    return reply.show('admin/staff/remove', removal)
  })

  app.post<IdParams>('/admin/staff/:id/removal', async (request, reply) => {
    const result = await changeStaff(app.db, signedInUser(request), idOf(request), { remove: true })
    return reply.answer(result, {
      done: () => ({ to: back, flash: 'They are no longer staff, and are signed out everywhere.' }),
      back,
    })
  })
}

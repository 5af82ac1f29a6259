import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { validate } from '../../lib/validation.js'
import { changeStaff, inviteStaff, roleInput, staffPage } from '../../modules/accounts/staff.service.js'
import { findUserById } from '../../modules/accounts/users.repository.js'
import { signedInUser } from '../../plugins/auth.js'
import { siteOrigin } from '../../plugins/csrf.js'

/** Owners: the staff, invitations by email, roles, and removing someone (confirmed on a page of its own). */
export default async function staffRoutes(app: FastifyInstance) {
  async function page(request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    return reply.render('admin/staff/index', {
      title: 'Staff',
      ...(await staffPage(app.db)),
      me: signedInUser(request).id,
      values: {},
      errors: {},
      ...extra,
    })
  }

  app.get('/admin/staff', async (request, reply) => page(request, reply))

  app.post('/admin/staff/invitations', async (request, reply) => {
    const result = await inviteStaff(app.db, signedInUser(request), request.body, siteOrigin(app.config, request))
    if (result.kind === 'invalid')
      return page(request, reply.code(422), { values: request.body ?? {}, errors: result.errors })
    app.wakeMailWorker()
    request.flash('success', 'The invitation is on its way. Its link works for a week.')
    return reply.redirect('/admin/staff', 303)
  })

  const done = (
    request: FastifyRequest,
    reply: FastifyReply,
    result: Awaited<ReturnType<typeof changeStaff>>,
    success: string,
  ) => {
    if (result.kind === 'missing') return reply.callNotFound()
    request.flash(result.kind === 'refused' ? 'error' : 'success', result.kind === 'refused' ? result.message : success)
    return reply.redirect('/admin/staff', 303)
  }

  app.post<IdParams>('/admin/staff/:id/role', async (request, reply) => {
    const checked = validate(roleInput, request.body)
    if (!checked.ok)
      return page(request, reply.code(422), { errors: { role: checked.errors.role ?? 'Choose staff or owner' } })
    const result = await changeStaff(app.db, signedInUser(request), idOf(request), { role: checked.value.role })
    return done(request, reply, result, 'The role is changed; they sign in again with it.')
  })

  app.get<IdParams>('/admin/staff/:id/removal', async (request, reply) => {
    const person = await findUserById(app.db, idOf(request))
    if (!person || person.role === 'customer') return reply.callNotFound()
    return reply.render('admin/staff/remove', { title: `Remove ${person.name}`, person })
  })

  app.post<IdParams>('/admin/staff/:id/removal', async (request, reply) => {
    const result = await changeStaff(app.db, signedInUser(request), idOf(request), { remove: true })
    return done(request, reply, result, 'They are no longer staff, and are signed out everywhere.')
  })
}

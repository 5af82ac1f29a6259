import type { FastifyInstance } from 'fastify'
import { acceptInvitation, openInvitation } from '../modules/accounts/staff.service.js'
import { startUserSession } from '../plugins/auth.js'

const page = { title: 'Join the staff', noindex: true }

/** /invitation?token=…: the link in a staff invitation; whoever has it makes their account once. */
export default async function invitationRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { token?: string } }>('/invitation', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : ''
    const invitation = await openInvitation(app.db, token)
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
    return reply
      .code(invitation ? 200 : 410)
      .render('invitation/new', { ...page, invitation, token, values: {}, errors: {} })
  })

  app.post<{ Body: Record<string, unknown> }>('/invitation', async (request, reply) => {
    const token = typeof request.body?.token === 'string' ? request.body.token : ''
    const result = await acceptInvitation(app.db, token, request.body, request.accountContext())
    reply.header('cache-control', 'no-store')
    if (result.kind === 'gone') {
      return reply.code(410).render('invitation/new', { ...page, invitation: null, token: '', values: {}, errors: {} })
    }
    if (result.kind === 'invalid') {
      const invitation = await openInvitation(app.db, token)
      return reply.formErrors('invitation/new', { ...page, invitation, token }, result.errors)
    }
    await startUserSession(request, result.user, false)
    request.flash('success', `Welcome, ${result.user.name}. Set up two-factor sign-in to open the back office.`)
    return reply.redirect('/account/two-factor', 303)
  })
}

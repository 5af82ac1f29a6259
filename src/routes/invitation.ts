import type { FastifyInstance } from 'fastify'
import { validate } from '../lib/validation.js'
import { acceptInvitationInput, linkTokenInput } from '../modules/accounts/accounts.forms.js'
import { acceptInvitation, openInvitation } from '../modules/accounts/staff.service.js'
import { startUserSession } from '../plugins/auth.js'

const page = { title: 'Join the staff', noindex: true }

/** /invitation?token=…: the link in a staff invitation; whoever has it makes their account once. */
export default async function invitationRoutes(app: FastifyInstance) {
  app.get('/invitation', async (request, reply) => {
    const { token } = linkTokenInput.parse(request.query)
    const invitation = await openInvitation(app.db, token)
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
    return reply
      .code(invitation ? 200 : 410)
      .render('invitation/new', { ...page, invitation, token, values: {}, errors: {} })
  })

  app.post('/invitation', async (request, reply) => {
    const { token } = linkTokenInput.parse(request.body)
    const form = validate(acceptInvitationInput, request.body)
    const result = await acceptInvitation(app.db, token, form, request.accountContext())
    reply.header('cache-control', 'no-store')
    if (result.kind === 'joined') await startUserSession(request, result.user, false)
    return reply.answer(result, {
      done: ({ user }) => ({
        to: '/account/two-factor',
        flash: `Welcome, ${user.name}. Set up two-factor sign-in to open the back office.`,
      }),
      back: '/invitation',
      form: async (sent) =>
        reply.render('invitation/new', { ...page, invitation: await openInvitation(app.db, token), token, ...sent }),
      gone: () => reply.render('invitation/new', { ...page, invitation: null, token: '', values: {}, errors: {} }),
    })
  })
}

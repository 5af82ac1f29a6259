import type { FastifyInstance, onSendHookHandler } from 'fastify'
import { validate } from '../lib/validation.js'
import { linkTokenInput } from '../modules/accounts/accounts.forms.js'
import { resetPasswordInput } from '../modules/accounts/password-reset.forms.js'
import { resetPassword } from '../modules/accounts/password-reset.service.js'
import { linkPage } from '../modules/accounts/tokens.js'

const page = { title: 'Choose a new password', noindex: true }

/**
 * The reset page carries its token in the URL and in the form: no other site
 * may see it in a Referer, and no cache may keep a copy.
 */
const keepTokenPrivate: onSendHookHandler = async (_request, reply, payload) => {
  reply.header('referrer-policy', 'no-referrer')
  reply.header('cache-control', 'no-store')
  return payload
}

export default async function resetPasswordRoutes(app: FastifyInstance) {
  app.get('/reset-password', { onSend: keepTokenPrivate }, async (request, reply) => {
    const link = await linkPage(app.db, 'reset_password', linkTokenInput.parse(request.query).token)
    return reply.code(link.live ? 200 : 410).render('reset-password/edit', { ...page, ...link, errors: {} })
  })

  app.post('/reset-password', { onSend: keepTokenPrivate }, async (request, reply) => {
    const { token } = linkTokenInput.parse(request.body)
    const form = validate(resetPasswordInput, request.body)
    const result = await resetPassword(app.db, token, form, request.accountContext())
    // This browser's own session ended with the others: start it afresh, signed out, to carry the message.
    if (result.kind === 'reset' && request.user?.id === result.user.id) {
      await request.session.regenerate()
      request.user = null
    }
    return reply.answer(result, {
      done: () => ({ to: '/login', flash: 'Your password has been changed. Sign in with your new password.' }),
      back: '/reset-password',
      form: ({ errors }) => reply.render('reset-password/edit', { ...page, token, live: true, errors }),
      gone: () => reply.render('reset-password/edit', { ...page, token: '', live: false, errors: {} }),
    })
  })
}

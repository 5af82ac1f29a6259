import type { FastifyInstance, onSendHookHandler } from 'fastify'
import { requestPasswordReset, resetPassword } from '../modules/accounts/password-reset.service.js'
import { peekToken } from '../modules/accounts/tokens.js'

const forgotPage = {
  title: 'Forgot your password?',
  description: 'Ask for a link to choose a new password for your account.',
}
const resetPage = { title: 'Choose a new password', noindex: true }

/**
 * The reset page carries its token in the URL and in the form: no other site
 * may see it in a Referer, and no cache may keep a copy.
 */
const keepTokenPrivate: onSendHookHandler = async (_request, reply, payload) => {
  reply.header('referrer-policy', 'no-referrer')
  reply.header('cache-control', 'no-store')
  return payload
}

export default async function passwordResetRoutes(app: FastifyInstance) {
  app.get('/forgot-password', async (_request, reply) => {
    return reply.render('forgot-password/new', { ...forgotPage, values: {}, errors: {} })
  })

  app.post('/forgot-password', async (request, reply) => {
    const result = await requestPasswordReset(app.db, request.body, request.accountContext())
    if (!result.ok) {
      return reply.formErrors('forgot-password/new', forgotPage, result.errors)
    }
    app.wakeMailWorker()
    request.flash(
      'success',
      `If ${result.email} has an account with us, we have sent it an email with a link to choose a new password. The link works for 1 hour.`,
    )
    return reply.redirect('/login', 303)
  })

  app.get<{ Querystring: { token?: string } }>(
    '/reset-password',
    { onSend: keepTokenPrivate },
    async (request, reply) => {
      const token = typeof request.query.token === 'string' ? request.query.token : ''
      const live = token ? await peekToken(app.db, 'reset_password', token) : undefined
      return reply
        .code(live ? 200 : 410)
        .render('reset-password/edit', { ...resetPage, token, live: !!live, errors: {} })
    },
  )

  app.post('/reset-password', { onSend: keepTokenPrivate }, async (request, reply) => {
    const result = await resetPassword(app.db, request.body, request.accountContext())
    switch (result.kind) {
      case 'gone':
        return reply.code(410).render('reset-password/edit', { ...resetPage, token: '', live: false, errors: {} })
      case 'invalid':
        return reply
          .code(422)
          .render('reset-password/edit', { ...resetPage, token: result.token, live: true, errors: result.errors })
      case 'reset':
        // This browser's own session ended with the others: start it afresh, signed out, to carry the message.
        if (request.user?.id === result.user.id) {
          await request.session.regenerate()
          request.user = null
        }
        request.flash('success', 'Your password has been changed. Sign in with your new password.')
        return reply.redirect('/login', 303)
    }
  })
}

import type { FastifyInstance } from 'fastify'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { confirmWithPasswordInput } from '../../modules/accounts/accounts.forms.js'
import { deleteAccount } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

const page = { title: 'Delete your account', noindex: true }

/** A destructive action gets a page of its own that asks for the password; no script needed to confirm. */
export default async function deletionRoutes(app: FastifyInstance) {
  app.get('/account/deletion', async (_request, reply) => reply.render('account/deletion/new', { ...page, errors: {} }))

  app.post('/account/deletion', async (request, reply) => {
    const result = await withValid(validate(confirmWithPasswordInput, request.body), (input) =>
      deleteAccount(app.db, signedInUser(request), input, request.accountContext()),
    )
    if (result.kind === 'deleted') {
      await request.session.destroy()
      request.user = null
    }
    return reply.answer(result, {
      done: () => ({ to: '/?account_deleted=1' }),
      back: '/account/deletion',
      form: ({ errors }) => reply.render('account/deletion/new', { ...page, errors }),
    })
  })
}

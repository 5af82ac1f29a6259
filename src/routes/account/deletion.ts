import type { FastifyInstance } from 'fastify'
import { deleteAccount } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

const page = { title: 'Delete your account', noindex: true }

/** A destructive action gets a page of its own that asks for the password; no script needed to confirm. */
export default async function deletionRoutes(app: FastifyInstance) {
  app.get('/account/deletion', async (_request, reply) => reply.render('account/deletion/new', { ...page, errors: {} }))

  app.post('/account/deletion', async (request, reply) => {
    const result = await deleteAccount(app.db, signedInUser(request), request.body, request.accountContext())
    if (!result.ok) return reply.code(422).render('account/deletion/new', { ...page, errors: result.errors })
    await request.session.destroy()
    request.user = null
    return reply.redirect('/?account_deleted=1', 303)
  })
}

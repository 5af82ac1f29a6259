import type { FastifyInstance } from 'fastify'
import { changeName } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

const page = { title: 'Your name', noindex: true }

export default async function profileRoutes(app: FastifyInstance) {
  app.get('/account/profile', async (request, reply) =>
    reply.render('account/profile/edit', { ...page, values: { name: request.user?.name }, errors: {} }),
  )

  app.post('/account/profile', async (request, reply) => {
    const result = await changeName(app.db, signedInUser(request), request.body, request.accountContext())
    if (!result.ok) {
      return reply.formErrors('account/profile/edit', page, result.errors)
    }
    request.flash('success', 'Your name has been changed.')
    return reply.redirect('/account', 303)
  })
}

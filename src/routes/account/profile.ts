import type { FastifyInstance } from 'fastify'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { changeNameInput } from '../../modules/accounts/accounts.forms.js'
import { changeName } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

const page = { title: 'Your name', noindex: true }

export default async function profileRoutes(app: FastifyInstance) {
  app.get('/account/profile', async (request, reply) =>
    reply.render('account/profile/edit', { ...page, values: { name: signedInUser(request).name }, errors: {} }),
  )

  app.post('/account/profile', async (request, reply) => {
    const result = await withValid(validate(changeNameInput, request.body), (input) =>
      changeName(app.db, signedInUser(request), input, request.accountContext()),
    )
    return reply.answer(result, {
      done: () => ({ to: '/account', flash: 'Your name has been changed.' }),
      back: '/account/profile',
      form: (sent) => reply.render('account/profile/edit', { ...page, ...sent }),
    })
  })
}

import type { FastifyInstance } from 'fastify'
import { signOut } from '../modules/accounts/sign-in.service.js'

export default async function logoutRoutes(app: FastifyInstance) {
  // Signing out is a POST: a link or an image on another page cannot sign anybody out.
  app.post('/logout', async (request, reply) => {
    await signOut(app.db, request.user, request.accountContext())
    if (request.hasSession()) await request.session.destroy()
    request.user = null
    return reply.redirect('/login?signed_out=1', 303)
  })
}

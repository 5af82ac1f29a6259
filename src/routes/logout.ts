import type { FastifyInstance } from 'fastify'
import { audit } from '../modules/accounts/audit.js'

export default async function logoutRoutes(app: FastifyInstance) {
  // Signing out is a POST: a link or an image on another page cannot sign anybody out.
  app.post('/logout', async (request, reply) => {
    if (request.user) await audit(app.db, { action: 'sign_out', actorUserId: request.user.id, ip: request.ip })
    if (request.hasSession()) await request.session.destroy()
    request.user = null
    return reply.redirect('/login?signed_out=1', 303)
  })
}

import type { FastifyInstance } from 'fastify'
import { securityLogPage } from '../../modules/accounts/staff.service.js'

/** Owners only: the sign-ins, failures and account changes of everyone, newest first. */
export default async function securityLogRoutes(app: FastifyInstance) {
  app.get('/admin/security-log', async (_request, reply) =>
    reply.render('admin/security-log/index', await securityLogPage(app.db)),
  )
}

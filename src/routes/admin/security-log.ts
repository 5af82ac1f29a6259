import type { FastifyInstance } from 'fastify'
import { listAuditEntries } from '../../modules/accounts/audit.repository.js'

/** Owners only: the sign-ins, failures and account changes of everyone, newest first. */
export default async function securityLogRoutes(app: FastifyInstance) {
  app.get('/admin/security-log', async (_request, reply) =>
    reply.render('admin/security-log/index', {
      title: 'Security log',
      entries: await listAuditEntries(app.db, 200),
    }),
  )
}

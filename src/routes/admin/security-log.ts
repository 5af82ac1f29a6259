import type { FastifyInstance } from 'fastify'
import { listAuditEntries } from '../../modules/accounts/audit.repository.js'
import type { AdminNavItem } from './index.js'

/** Owners only: the sign-ins, failures and account changes of everyone, newest first. */
export default async function securityLogRoutes(app: FastifyInstance, opts: { nav: AdminNavItem[] }) {
  app.get('/admin/security-log', async (_request, reply) =>
    reply.render('admin/security-log/index', {
      title: 'Security log',
      adminNav: opts.nav,
      entries: await listAuditEntries(app.db, 200),
    }),
  )
}

import type { FastifyInstance } from 'fastify'
import { requireRole } from '../../plugins/auth.js'
import mailboxRoutes from './mailbox.js'
import securityLogRoutes from './security-log.js'

export interface AdminNavItem {
  href: string
  label: string
  /** Shown to owners only; the route checks it again. */
  ownerOnly?: boolean
}

/** /admin: staff and owners only, checked once for the whole area. */
export default async function adminArea(app: FastifyInstance) {
  app.addHook('preHandler', requireRole('staff', 'owner'))

  const nav: AdminNavItem[] = [
    { href: '/admin', label: 'Dashboard' },
    { href: '/admin/security-log', label: 'Security log', ownerOnly: true },
  ]
  // Without SMTP in development, email stays in the database; staff read it here.
  if (!app.config.isProduction) nav.push({ href: '/admin/mailbox', label: 'Mailbox' })

  app.get('/admin', async (request, reply) =>
    reply.render('admin/dashboard/index', { title: 'Dashboard', adminNav: nav, user: request.user }),
  )

  if (!app.config.isProduction) await app.register(mailboxRoutes, { nav })
  await app.register(securityLogRoutes, { nav })
}

import type { FastifyInstance } from 'fastify'
import { withFields } from '../../lib/objects.js'
import { listEmails } from '../../modules/mail/mail.repository.js'
import { textForPage } from '../../modules/mail/mail.service.js'
import type { AdminNavItem } from './index.js'

/** Development only: the emails the shop has written, newest first, with their links made clickable. */
export default async function mailboxRoutes(app: FastifyInstance, opts: { nav: AdminNavItem[] }) {
  app.get('/admin/mailbox', async (_request, reply) => {
    const emails = (await listEmails(app.db, 50)).map((email) =>
      withFields(email, {
        text: textForPage(email.text),
        links: [...new Set(email.text.match(/https?:\/\/[^\s<>"]+/g) ?? [])],
      }),
    )
    return reply.render('admin/mailbox/index', { title: 'Mailbox', adminNav: opts.nav, emails })
  })
}

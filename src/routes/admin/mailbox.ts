import type { FastifyInstance } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { emailHtml, mailboxPage } from '../../modules/mail/mail.service.js'

/**
 * The policy of an email's HTML shown in the mailbox: a sandbox of its own
 * (no script, no forms, no top-level navigation, an origin of its own even
 * when opened outside the frame), its inline styles as a mail client shows
 * them, no request anywhere but this shop, framed by the mailbox only.
 */
export const EMAIL_PREVIEW_CSP = [
  'sandbox',
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ')

/**
 * Development only: the emails the shop has written, newest first, each as
 * its customer sees it (the HTML part in a sandboxed frame), its text, and the
 * links the shop put in it to follow.
 */
export default async function mailboxRoutes(app: FastifyInstance) {
  app.get('/admin/mailbox', async (_request, reply) => reply.render('admin/mailbox/index', await mailboxPage(app.db)))

  /** An email's HTML part as it was sent, for the mailbox's frame. */
  app.get<IdParams>('/admin/mailbox/:id/html', async (request, reply) => {
    const email = await emailHtml(app.db, idOf(request))
    if (email.kind === 'missing') return reply.callNotFound()
    return (
      reply
        .header('content-security-policy', EMAIL_PREVIEW_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        // Framed documents of the same origin must agree on agent clustering; this one has an origin of its own anyway.
        .removeHeader('origin-agent-cluster')
        .type('text/html; charset=utf-8')
        .send(email.html)
    )
  })
}

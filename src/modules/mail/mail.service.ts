import { Eta } from 'eta'
import type { Db } from '../../db/connection.js'
import type { OutboxEmail } from '../../db/schema.js'
import { viewsDir } from '../../lib/paths.js'
import { nowIso } from '../../lib/time.js'
import { createEta } from '../../plugins/views.js'
import type { ShopSettings } from '../settings/settings.service.js'
import { insertEmail } from './mail.repository.js'

// Emails are rare; compiling their templates each time keeps edits visible without a restart.
const htmlTemplates = createEta(false)
// Plain text is never read as HTML: nothing is escaped, and every line break is kept as written.
const textTemplates = new Eta({ views: viewsDir, cache: false, autoEscape: false, autoTrim: false })

export interface EmailRequest {
  /** views/emails/<template>.html.eta and .text.eta */
  template: string
  to: string
  replyTo?: string
  subject: string
  data: Record<string, unknown>
  shop: ShopSettings
  /** Absolute base for links in the email, e.g. https://shop.example.com */
  baseUrl: string
}

/** Renders both parts of an email in the shop's name and style. */
export function renderEmail(request: EmailRequest): { html: string; text: string } {
  const data = { ...request.data, shop: request.shop, subject: request.subject, baseUrl: request.baseUrl }
  return {
    html: htmlTemplates.render(`/emails/${request.template}.html.eta`, data),
    text: textTemplates.render(`/emails/${request.template}.text.eta`, data),
  }
}

/**
 * Puts an email in the outbox. Call it inside the transaction of the change
 * that causes it: the email exists exactly when the change does, and the
 * request never waits for a mail server.
 */
export async function enqueueEmail(db: Db, request: EmailRequest): Promise<OutboxEmail> {
  const { html, text } = renderEmail(request)
  const now = nowIso()
  return insertEmail(db, {
    template: request.template,
    to_address: request.to,
    reply_to: request.replyTo ?? null,
    subject: request.subject,
    html,
    text,
    status: 'pending',
    next_attempt_at: now,
    created_at: now,
  })
}

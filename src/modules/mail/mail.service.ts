import { Eta } from 'eta'
import { type Db, inTransaction } from '../../db/connection.js'
import type { OutboxEmail } from '../../db/schema.js'
import { keysetList } from '../../lib/keyset-list.js'
import { withFields } from '../../lib/objects.js'
import { type Missing, missing } from '../../lib/outcomes.js'
import { viewsDir } from '../../lib/paths.js'
import { nowIso } from '../../lib/time.js'
import type { Validated } from '../../lib/validation.js'
import { createEta } from '../../plugins/views.js'
import { logActivity } from '../activity/activity.service.js'
import { countryName } from '../settings/countries.js'
import { utcMinute } from '../settings/formats.js'
import type { ShopSettings } from '../settings/settings.service.js'
import { type OutboxFilter, outboxFilterInput } from './mail.forms.js'
import { insertEmail, listEmails, selectEmail, selectOutbox } from './mail.repository.js'

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

/** Renders both parts of an email in the shop's name and style; an address's country is written as its name, in the shop's language. */
export function renderEmail(request: EmailRequest): { html: string; text: string } {
  const locale = request.shop.locale
  const data = {
    countryName: (code: string) => countryName(code, locale),
    ...request.data,
    shop: request.shop,
    subject: request.subject,
    baseUrl: request.baseUrl,
  }
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

/**
 * Sends an email from the outbox again, exactly as it was written, as a new
 * outbox entry (the old one keeps its own history). Staff use it when a
 * customer did not get a message, or after a failed delivery.
 */
export async function resendEmail(
  db: Db,
  id: number,
  actor: { id: number },
): Promise<{ kind: 'resent'; email: OutboxEmail } | Missing> {
  return inTransaction(db, async (trx) => {
    const email = await selectEmail(trx, id)
    if (!email) return missing
    const now = nowIso()
    const copy = await insertEmail(trx, {
      template: email.template,
      to_address: email.to_address,
      reply_to: email.reply_to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
    })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'email.resent',
      subject: { type: 'email', id: email.id },
      summary: `Sent “${email.subject}” to ${email.to_address} again`,
    })
    return { kind: 'resent', email: copy } as const
  })
}

/** An email's text for a page: the signature line is "-- " by convention, and trailing spaces mean nothing there. */
export function textForPage(text: string): string {
  return text.replace(/[ \t]+$/gm, '')
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }

/**
 * The web links an email's HTML part shows as links (each <a>'s http or https
 * address, once each), for staff to follow from the mailbox. The HTML was
 * written by the shop's templates, which escape everything a visitor typed:
 * an address in a contact message, a name or a note is text there, never a
 * link, so it never becomes one here either.
 */
export function linksInHtml(html: string): string[] {
  const hrefs = [...html.matchAll(/<a\s[^>]*?\bhref="([^"]*)"/gi)].map(([, href = '']) =>
    href.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? ''),
  )
  return [...new Set(hrefs.filter((href) => /^https?:\/\//i.test(href)))]
}

/** The outbox, newest first: a filter the query string got wrong is answered 422 with its message and no rows. */
export async function outboxPage(db: Db, checked: Validated<OutboxFilter>) {
  const { items, page } = await keysetList(checked, {
    none: outboxFilterInput.parse({}),
    path: '/admin/outbox',
    kept: (filter) => ({ status: filter.status }),
    fetch: (filter, rows) => selectOutbox(db, { status: filter.status || undefined, ...rows }),
  })
  return {
    kind: 'page' as const,
    title: 'Outbox',
    ...page,
    emails: items.map((email) =>
      withFields(email, {
        // Why it failed is worth a look from the list; a pending retry's last error is not.
        state: email.status === 'failed' && email.last_error ? `failed: ${email.last_error}` : email.status,
      }),
    ),
  }
}

/** One email of the outbox: where it stands, and its text. */
export async function outboxEmailPage(db: Db, id: number) {
  const email = await selectEmail(db, id)
  if (!email) return missing
  const sent = email.sent_at ? `, sent ${utcMinute(email.sent_at)} UTC` : ''
  return {
    kind: 'page' as const,
    // The layout adds the area and the shop's name: the subject's start, so the title stays under 70 characters.
    title: email.subject.length > 26 ? `${email.subject.slice(0, 25).trimEnd()}…` : email.subject,
    email: withFields(email, { text: textForPage(email.text) }),
    state: `${email.status}${sent} (${email.attempts} ${email.attempts === 1 ? 'attempt' : 'attempts'})`,
  }
}

/** Development's mailbox: the newest emails, each with its text and the links to follow in it. */
export async function mailboxPage(db: Db) {
  const emails = await listEmails(db, 50)
  return {
    kind: 'page' as const,
    title: 'Mailbox',
    emails: emails.map((email) => withFields(email, { text: textForPage(email.text), links: linksInHtml(email.html) })),
  }
}

/** An email's HTML part as it was sent. */
export async function emailHtml(db: Db, id: number): Promise<{ kind: 'html'; html: string } | Missing> {
  const email = await selectEmail(db, id)
  return email ? { kind: 'html', html: email.html } : missing
}

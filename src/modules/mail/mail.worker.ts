import type { Db } from '../../db/connection.js'
import { type Poller, startPoller } from '../../lib/poller.js'
import { getShopSettings } from '../settings/settings.service.js'
import { claimDueEmails, markFailedAttempt, markSent } from './mail.repository.js'
import type { MailTransport } from './mail.transport.js'

export const MAX_ATTEMPTS = 8
const BASE_DELAY_MS = 30_000
const MAX_DELAY_MS = 60 * 60_000

/** Wait after the n-th failed attempt: 30 s, 1 min, 2 min, … doubling up to an hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS)
}

export interface MailWorkerOptions {
  db: Db
  transport: MailTransport
  /** Sender address when the shop's settings name none (MAIL_FROM); the shop's name is shown with it. */
  fromAddress: string
  /** Host part of Message-IDs. */
  messageIdDomain: string
  batchSize?: number
  /** How long a claimed email is held before another worker may take it over. */
  lockMs?: number
  now?: () => Date
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/**
 * Delivers what is due, once: each email is claimed by one worker in a
 * single statement, marked sent as soon as the server accepts it, and never
 * claimed again after that. A failure waits longer each time and gives up
 * after MAX_ATTEMPTS, marked failed for staff to see and resend.
 */
export async function deliverDueEmails(options: MailWorkerOptions): Promise<{ sent: number; failed: number }> {
  const now = options.now?.() ?? new Date()
  const lockMs = options.lockMs ?? 5 * 60_000
  const claimed = await claimDueEmails(
    options.db,
    now.toISOString(),
    new Date(now.getTime() + lockMs).toISOString(),
    options.batchSize ?? 20,
  )
  if (claimed.length === 0) return { sent: 0, failed: 0 }

  const shop = await getShopSettings(options.db)
  let sent = 0
  let failed = 0
  for (const email of claimed) {
    try {
      const result = await options.transport.send({
        from: { name: shop.mailFromName || shop.shopName, address: shop.mailFromAddress || options.fromAddress },
        to: email.to_address,
        ...(email.reply_to ? { replyTo: email.reply_to } : {}),
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: `<outbox-${email.id}@${options.messageIdDomain}>`,
      })
      await markSent(options.db, email.id, {
        sentAt: new Date().toISOString(),
        transport: options.transport.name,
        messageId: result.messageId,
      })
      sent++
    } catch (err) {
      failed++
      const finalAttempt = email.attempts >= MAX_ATTEMPTS
      const nextAttemptAt = finalAttempt ? null : new Date(now.getTime() + retryDelayMs(email.attempts)).toISOString()
      const error = err instanceof Error ? err.message : String(err)
      await markFailedAttempt(options.db, email.id, { error: error.slice(0, 1000), nextAttemptAt })
      options.log?.[finalAttempt ? 'error' : 'warn'](
        { emailId: email.id, attempt: email.attempts, error },
        'email not delivered',
      )
    }
  }
  return { sent, failed }
}

/** Finishes the batch in hand when stopped. */
export type RunningWorker = Poller

/** Polls the outbox every `intervalMs` and whenever woken, one batch at a time. */
export function startMailWorker(options: MailWorkerOptions & { intervalMs?: number }): RunningWorker {
  return startPoller({
    everyMs: options.intervalMs ?? 5_000,
    run: async () => {
      const { sent, failed } = await deliverDueEmails(options)
      return sent + failed > 0
    },
    onError: (err) => options.log?.error({ err }, 'the mail worker could not read the outbox'),
  })
}

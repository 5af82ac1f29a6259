import type { Db } from '../../db/connection.js'
import type { ContactMessage } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { describeWait } from '../accounts/throttle.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { clientKey, HOUR_MS, type RateLimit, takeSlot } from '../rate-limits/rate-limits.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { ContactMessageInput } from './contact.forms.js'
import { insertContactMessage } from './contact.repository.js'

/** Messages one client address may send in an hour, by the form and the API together. */
export const CONTACT_MESSAGES_PER_CLIENT_PER_HOUR = 5
const CONTACT_MESSAGES_PER_CLIENT: RateLimit = {
  bucket: 'contact_message',
  max: CONTACT_MESSAGES_PER_CLIENT_PER_HOUR,
  windowMs: HOUR_MS,
}

export type ContactResult =
  | { kind: 'sent'; message: ContactMessage }
  /** The client address has sent its share this hour: what the form shows above itself, and the API says. */
  | { kind: 'throttled'; retryAfterSeconds: number; refusal: { title: string; message: string } }

/**
 * Keeps a shopper's message for the shop's staff and, when the shop has a
 * contact address, emails it there with the shopper as Reply-To — both in one
 * transaction. Only a checked message comes here, so invalid input changes
 * nothing and is not counted; a client address that has sent its share of
 * messages this hour is told how long to wait, and nothing is kept or sent.
 */
export async function submitContactMessage(
  db: Db,
  input: ContactMessageInput,
  context: { baseUrl: string; ip: string },
): Promise<ContactResult> {
  return db.transaction().execute(async (trx): Promise<ContactResult> => {
    const slot = await takeSlot(trx, CONTACT_MESSAGES_PER_CLIENT, clientKey(context.ip))
    if (!slot.allowed) return throttled(slot.retryAfterSeconds)
    const message = await insertContactMessage(trx, { ...input, created_at: nowIso() })
    const shop = await getShopSettings(trx)
    if (shop.contactEmail) {
      await enqueueEmail(trx, {
        template: 'contact-message',
        to: shop.contactEmail,
        replyTo: message.email,
        subject: `Contact form: ${message.subject}`,
        data: { message },
        shop,
        baseUrl: context.baseUrl,
      })
    }
    return { kind: 'sent', message }
  })
}

function throttled(retryAfterSeconds: number): ContactResult {
  const message = `Too many messages have been sent from your internet connection in the past hour. Wait ${describeWait(retryAfterSeconds)}, then try again.`
  return {
    kind: 'throttled',
    retryAfterSeconds,
    refusal: { title: 'Please wait before you send another message', message },
  }
}

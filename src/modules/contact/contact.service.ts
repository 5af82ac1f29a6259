import type { Db } from '../../db/connection.js'
import type { ContactMessage } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { type Validated, validate } from '../../lib/validation.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import { contactMessageInput } from './contact.forms.js'
import { insertContactMessage } from './contact.repository.js'

/**
 * Keeps a shopper's message for the shop's staff and, when the shop has a
 * contact address, emails it there with the shopper as Reply-To — both in one
 * transaction. Invalid input changes nothing.
 */
export async function submitContactMessage(
  db: Db,
  input: unknown,
  context: { baseUrl: string },
): Promise<Validated<ContactMessage>> {
  const checked = validate(contactMessageInput, input)
  if (!checked.ok) return checked
  const saved = await db.transaction().execute(async (trx) => {
    const message = await insertContactMessage(trx, { ...checked.value, created_at: nowIso() })
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
    return message
  })
  return { ok: true, value: saved }
}

import type { Db } from '../../db/connection.js'
import type { ContactMessage } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { type Validated, validate } from '../../lib/validation.js'
import { contactMessageInput } from './contact.forms.js'
import { insertContactMessage } from './contact.repository.js'

/** Keeps a shopper's message for the shop's staff. Invalid input changes nothing. */
export async function submitContactMessage(db: Db, input: unknown): Promise<Validated<ContactMessage>> {
  const checked = validate(contactMessageInput, input)
  if (!checked.ok) return checked
  const saved = await insertContactMessage(db, { ...checked.value, created_at: nowIso() })
  return { ok: true, value: saved }
}

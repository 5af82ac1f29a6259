import type { Updateable } from 'kysely'
import type { Db } from '../db/connection.js'
import type { OutboxEmailsTable } from '../db/schema.js'

/**
 * Emails in the outbox as a delivery would have left them — sent, failed with the server's answer,
 * or held by a worker until a time — without an SMTP server: the one with `id`, or all.
 */
export async function changeEmails(
  db: Db,
  changes: Pick<Updateable<OutboxEmailsTable>, 'status' | 'sent_at' | 'last_error' | 'locked_until'>,
  id?: number,
): Promise<void> {
  let query = db.updateTable('outbox_emails').set(changes)
  if (id !== undefined) query = query.where('id', '=', id)
  await query.execute()
}

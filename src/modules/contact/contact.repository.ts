import type { Db } from '../../db/connection.js'
import type { ContactMessage, NewContactMessage } from '../../db/schema.js'

export async function insertContactMessage(db: Db, row: NewContactMessage): Promise<ContactMessage> {
  return db.insertInto('contact_messages').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function countContactMessages(db: Db): Promise<number> {
  const row = await db
    .selectFrom('contact_messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export async function listContactMessagesFrom(db: Db, email: string) {
  return db
    .selectFrom('contact_messages')
    .select(['created_at', 'subject', 'message'])
    .where('email', '=', email)
    .orderBy('created_at')
    .execute()
}

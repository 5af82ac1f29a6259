import type { Db } from '../../db/connection.js'
import { skipLocked } from '../../db/dialect/index.js'
import type { NewOutboxEmail, OutboxEmail } from '../../db/schema.js'

export async function insertEmail(db: Db, row: NewOutboxEmail): Promise<OutboxEmail> {
  return db.insertInto('outbox_emails').values(row).returningAll().executeTakeFirstOrThrow()
}

/**
 * Takes up to `limit` emails that are due (or whose worker died holding
 * them) in one statement, so two workers can never claim the same email
 * (on PostgreSQL the rows are locked as they are picked: skipLocked).
 */
export async function claimDueEmails(db: Db, now: string, lockedUntil: string, limit: number): Promise<OutboxEmail[]> {
  return db
    .updateTable('outbox_emails')
    .set((eb) => ({ status: 'sending', locked_until: lockedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      skipLocked(
        db,
        eb
          .selectFrom('outbox_emails')
          .select('id')
          .where((w) =>
            w.or([
              w.and([w('status', '=', 'pending'), w('next_attempt_at', '<=', now)]),
              w.and([w('status', '=', 'sending'), w('locked_until', '<', now)]),
            ]),
          )
          .orderBy('id')
          .limit(limit),
      ),
    )
    .returningAll()
    .execute()
}

export async function markSent(
  db: Db,
  id: number,
  values: { sentAt: string; transport: string; messageId: string | null },
): Promise<void> {
  await db
    .updateTable('outbox_emails')
    .set({
      status: 'sent',
      sent_at: values.sentAt,
      transport: values.transport,
      message_id: values.messageId,
      locked_until: null,
      last_error: null,
    })
    .where('id', '=', id)
    .execute()
}

export async function markFailedAttempt(
  db: Db,
  id: number,
  values: { error: string; nextAttemptAt: string | null },
): Promise<void> {
  await db
    .updateTable('outbox_emails')
    .set({
      status: values.nextAttemptAt ? 'pending' : 'failed',
      next_attempt_at: values.nextAttemptAt ?? undefined,
      locked_until: null,
      last_error: values.error,
    })
    .where('id', '=', id)
    .execute()
}

export async function listEmails(db: Db, limit: number): Promise<OutboxEmail[]> {
  return db.selectFrom('outbox_emails').selectAll().orderBy('id', 'desc').limit(limit).execute()
}

/** The outbox newest first, of one status or all, `limit` older than `beforeId` (keyset paging). */
export async function selectOutbox(
  db: Db,
  options: { status?: OutboxEmail['status']; beforeId?: number; limit: number },
): Promise<OutboxEmail[]> {
  let query = db.selectFrom('outbox_emails').selectAll()
  if (options.status) query = query.where('status', '=', options.status)
  if (options.beforeId) query = query.where('id', '<', options.beforeId)
  return query.orderBy('id', 'desc').limit(options.limit).execute()
}

export async function selectEmail(db: Db, id: number): Promise<OutboxEmail | undefined> {
  return db.selectFrom('outbox_emails').selectAll().where('id', '=', id).executeTakeFirst()
}

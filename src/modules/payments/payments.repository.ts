import type { Insertable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { PaymentEventsTable } from '../../db/schema.js'

export async function selectPaymentEvent(db: Db, provider: string, eventId: string) {
  return db
    .selectFrom('payment_events')
    .select(['id', 'outcome'])
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .executeTakeFirst()
}

export async function insertPaymentEvent(db: Db, event: Insertable<PaymentEventsTable>): Promise<void> {
  await db.insertInto('payment_events').values(event).execute()
}

/**
 * Keeps the payment opened for an order, unless the order was paid or
 * cancelled meanwhile or already keeps another one.
 */
export async function savePaymentSession(
  db: Db,
  orderId: number,
  session: { id: string; url: string; expiresAt: string },
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set({
      payment_session_id: session.id,
      payment_session_url: session.url,
      payment_session_expires_at: session.expiresAt,
      updated_at: now,
    })
    .where('id', '=', orderId)
    .where('payment_status', '=', 'pending')
    .where('cancelled_at', 'is', null)
    .where((eb) => eb.or([eb('payment_session_id', 'is', null), eb('payment_session_id', '=', session.id)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The job found the order's payment completed at the provider: it leaves the order to the webhook from now on. */
export async function markPaymentChecked(db: Db, orderId: number, now: string): Promise<void> {
  await db.updateTable('orders').set({ payment_checked_at: now, updated_at: now }).where('id', '=', orderId).execute()
}

import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Payments made on a provider's own page (Stripe Checkout): the order keeps
 * the one payment session it was given, and every webhook event is written
 * down once, so an event the provider sends again is seen and not handled twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  await db.schema.alterTable('orders').addColumn('payment_session_id', 'varchar(255)').execute()
  await db.schema.alterTable('orders').addColumn('payment_session_url', 'text').execute()
  await db.schema.alterTable('orders').addColumn('payment_session_expires_at', 'varchar(30)').execute()
  // When the unpaid-order job found the payment completed at the provider: its webhook decides, the job looks no more.
  await db.schema.alterTable('orders').addColumn('payment_checked_at', 'varchar(30)').execute()
  await db.schema
    .createTable('payment_events')
    .addColumn('id', 'integer', id)
    .addColumn('provider', 'varchar(40)', (col) => col.notNull())
    .addColumn('event_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('type', 'varchar(255)', (col) => col.notNull())
    .addColumn('order_id', 'integer', (col) => col.references('orders.id').onDelete('set null'))
    .addColumn('outcome', 'varchar(255)', (col) => col.notNull())
    .addColumn('received_at', 'varchar(30)', (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('payment_events_event_idx')
    .on('payment_events')
    .columns(['provider', 'event_id'])
    .unique()
    .execute()
  await db.schema.createIndex('payment_events_order_idx').on('payment_events').column('order_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_events').execute()
  await db.schema.alterTable('orders').dropColumn('payment_checked_at').execute()
  await db.schema.alterTable('orders').dropColumn('payment_session_expires_at').execute()
  await db.schema.alterTable('orders').dropColumn('payment_session_url').execute()
  await db.schema.alterTable('orders').dropColumn('payment_session_id').execute()
}

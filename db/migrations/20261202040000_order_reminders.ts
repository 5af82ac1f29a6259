import type { Kysely } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/** When an unpaid bank-transfer order was reminded; the jobs find those orders by status, method and age. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('payment_reminded_at', 'varchar(30)').execute()
  await db.schema
    .createIndex('orders_awaiting_payment_idx')
    .on('orders')
    .columns(['payment_status', 'payment_method', 'placed_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_awaiting_payment_idx').execute()
  await db.schema.alterTable('orders').dropColumn('payment_reminded_at').execute()
}

import type { Kysely } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/** An order gets the next invoice number when it is paid: invoice numbers run without gaps in the order of payment. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('paid_at', 'varchar(30)').execute()
  await db.schema.alterTable('orders').addColumn('invoice_number', 'integer').execute()
  await db.schema.createIndex('orders_invoice_number_idx').on('orders').column('invoice_number').unique().execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_invoice_number_idx').execute()
  await db.schema.alterTable('orders').dropColumn('invoice_number').execute()
  await db.schema.alterTable('orders').dropColumn('paid_at').execute()
}

import { type Kysely, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * The back office's records: each order's timeline (placed, paid, reminded,
 * cancelled, notes, …, by whom), the activity log of every change staff
 * make, and the indexes the order list needs to stay fast at a million orders.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_events')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('at', 'varchar(30)', (col) => col.notNull())
    .addColumn('kind', 'varchar(40)', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('message', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'id']).execute()

  await db.schema
    .createTable('activity_log')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('at', 'varchar(30)', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('action', 'varchar(60)', (col) => col.notNull())
    .addColumn('subject_type', 'varchar(40)', (col) => col.notNull())
    .addColumn('subject_id', 'integer')
    .addColumn('summary', 'text', (col) => col.notNull())
    // JSON: { field: [before, after] } for the fields that matter.
    .addColumn('changes', 'text')
    .execute()
  await db.schema.createIndex('activity_log_subject_idx').on('activity_log').columns(['subject_type', 'subject_id', 'id']).execute()
  await db.schema.createIndex('activity_log_actor_idx').on('activity_log').columns(['actor_user_id', 'id']).execute()
  await db.schema.createIndex('activity_log_action_idx').on('activity_log').columns(['action', 'id']).execute()

  // The order list: newest first, by status, by name (case-insensitive prefix).
  await db.schema.createIndex('orders_payment_list_idx').on('orders').columns(['payment_status', 'id']).execute()
  await db.schema.createIndex('orders_fulfilment_list_idx').on('orders').columns(['fulfilment_status', 'id']).execute()
  await db.schema.createIndex('orders_placed_idx').on('orders').column('placed_at').execute()
  await sql`CREATE INDEX orders_name_idx ON orders (name COLLATE NOCASE)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_name_idx').execute()
  await db.schema.dropIndex('orders_placed_idx').execute()
  await db.schema.dropIndex('orders_fulfilment_list_idx').execute()
  await db.schema.dropIndex('orders_payment_list_idx').execute()
  await db.schema.dropTable('activity_log').execute()
  await db.schema.dropTable('order_events').execute()
}

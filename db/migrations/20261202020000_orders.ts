import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Orders keep a copy of everything they were sold at (titles, SKUs, prices,
 * tax, discount, shipping), so no later catalogue or settings change alters
 * what a customer bought. Each order has a human number (#1001, …) and an
 * unguessable access token for the guest's link, and remembers the checkout
 * token it was placed with: submitting the same checkout twice finds the
 * order instead of making another.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())

  await db.schema
    .alterTable('products')
    .addColumn('tax_class', 'varchar(10)', (c) =>
      c
        .notNull()
        .defaultTo('standard')
        .check(sql`tax_class in ('standard', 'reduced', 'zero')`),
    )
    .execute()

  await db.schema
    .createTable('orders')
    .addColumn('id', 'integer', id)
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('access_token', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('checkout_token', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('phone', 'varchar(40)', (c) => c.notNull().defaultTo(''))
    // Empty for a pickup order.
    .addColumn('address_line1', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('address_line2', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('city', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('postcode', 'varchar(20)', (c) => c.notNull().defaultTo(''))
    .addColumn('country', 'varchar(2)', (c) => c.notNull())
    .addColumn('shipping_method', 'varchar(100)', (c) => c.notNull())
    .addColumn('payment_method', 'varchar(30)', (c) => c.notNull())
    .addColumn('payment_status', 'varchar(20)', (c) => c.notNull().defaultTo('pending'))
    .addColumn('fulfilment_status', 'varchar(20)', (c) => c.notNull().defaultTo('unfulfilled'))
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('prices_include_tax', 'integer', (c) => c.notNull())
    .addColumn('subtotal', 'integer', (c) => c.notNull())
    .addColumn('discount_total', 'integer', (c) => c.notNull())
    .addColumn('shipping_total', 'integer', (c) => c.notNull())
    .addColumn('tax_total', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('discount_code', 'varchar(40)')
    .addColumn('placed_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('cancelled_at', 'varchar(30)')
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addCheckConstraint(
      'orders_payment_status_check',
      sql`payment_status in ('pending', 'paid', 'partially_refunded', 'refunded')`,
    )
    .addCheckConstraint(
      'orders_fulfilment_status_check',
      sql`fulfilment_status in ('unfulfilled', 'partially_fulfilled', 'fulfilled')`,
    )
    .addCheckConstraint('orders_total_check', sql`total >= 0`)
    .execute()
  await db.schema.createIndex('orders_user_idx').on('orders').columns(['user_id', 'placed_at']).execute()
  await db.schema.createIndex('orders_email_idx').on('orders').columns(['email', 'placed_at']).execute()

  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    // The catalogue may lose the variant later; the order keeps its own copy of what was sold.
    .addColumn('variant_id', 'integer', (c) => c.references('variants.id').onDelete('set null'))
    .addColumn('product_id', 'integer', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('sku', 'varchar(64)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('unit_price', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('tax_rate', 'integer', (c) => c.notNull())
    .addColumn('subtotal', 'integer', (c) => c.notNull())
    .addColumn('discount', 'integer', (c) => c.notNull())
    .addColumn('tax', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addCheckConstraint('order_lines_quantity_check', sql`quantity > 0`)
    .execute()
  await db.schema.createIndex('order_lines_order_idx').on('order_lines').column('order_id').execute()
  await db.schema.createIndex('order_lines_variant_idx').on('order_lines').column('variant_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_lines').execute()
  await db.schema.dropTable('orders').execute()
  await db.schema.alterTable('products').dropColumn('tax_class').execute()
}

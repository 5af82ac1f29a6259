import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Discount codes and every use of one. `uses` is counted up in the same
 * transaction that places the order, with a guard against the total limit;
 * the uses table answers "how often has this customer used it".
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())

  await db.schema
    .createTable('discount_codes')
    .addColumn('id', 'integer', id)
    // Upper case: codes are typed in any case and compared in one.
    .addColumn('code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    // Basis points for a percentage, minor units for a fixed amount, 0 for free shipping.
    .addColumn('value', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('minimum_subtotal', 'integer')
    .addColumn('starts_at', 'varchar(30)')
    .addColumn('ends_at', 'varchar(30)')
    .addColumn('usage_limit', 'integer')
    .addColumn('per_customer_limit', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addCheckConstraint('discount_codes_kind_check', sql`kind in ('percentage', 'fixed', 'free_shipping')`)
    .addCheckConstraint('discount_codes_value_check', sql`value >= 0 and (kind <> 'percentage' or value <= 10000)`)
    .addCheckConstraint('discount_codes_uses_check', sql`uses >= 0 and (usage_limit is null or uses <= usage_limit)`)
    .execute()

  await db.schema
    .createTable('discount_uses')
    .addColumn('id', 'integer', id)
    .addColumn('discount_id', 'integer', (c) => c.notNull().references('discount_codes.id').onDelete('cascade'))
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    // "user:42" for a customer with an account, "email:ada@example.com" for a guest.
    .addColumn('customer_key', 'varchar(270)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('discount_uses_customer_idx')
    .on('discount_uses')
    .columns(['discount_id', 'customer_key'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('discount_uses').execute()
  await db.schema.dropTable('discount_codes').execute()
}

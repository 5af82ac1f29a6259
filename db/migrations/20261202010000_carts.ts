import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Carts live in the database: a guest's is found through their session, a
 * customer's through their account (one each), so it follows them to every
 * device. A line holds a variant and a quantity only; prices are always read
 * from the catalogue, never kept from the moment something was added.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())

  await db.schema
    .createTable('carts')
    .addColumn('id', 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.unique().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  // Guest carts nobody came back to are swept by age.
  await db.schema.createIndex('carts_updated_idx').on('carts').column('updated_at').execute()

  await db.schema
    .createTable('cart_lines')
    .addColumn('id', 'integer', id)
    .addColumn('cart_id', 'integer', (c) => c.notNull().references('carts.id').onDelete('cascade'))
    .addColumn('variant_id', 'integer', (c) => c.notNull().references('variants.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addUniqueConstraint('cart_lines_variant_unique', ['cart_id', 'variant_id'])
    .addCheckConstraint('cart_lines_quantity_check', sql`quantity between 1 and 99`)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cart_lines').execute()
  await db.schema.dropTable('carts').execute()
}

import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Bulk loads (the demo seed, imports) write a product's variants, option
 * values and pictures before the product itself, so its search row is made
 * once, with every SKU. SQLite defers its foreign key checks for such a
 * transaction (PRAGMA defer_foreign_keys); PostgreSQL can only defer keys
 * declared DEFERRABLE. They stay checked at each statement unless a
 * transaction asks (src/db/dialect: deferForeignKeys). Nothing to do on SQLite.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const { table, name } of await productKeys(db)) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER CONSTRAINT ${sql.id(name)} DEFERRABLE INITIALLY IMMEDIATE`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const { table, name } of await productKeys(db)) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER CONSTRAINT ${sql.id(name)} NOT DEFERRABLE`.execute(db)
  }
}

/** The foreign keys pointing at products and variants from the tables a bulk load writes. */
async function productKeys(db: Kysely<any>): Promise<{ table: string; name: string }[]> {
  const { rows } = await sql<{ table: string; name: string }>`
    SELECT c.conrelid::regclass::text AS table, c.conname AS name
    FROM pg_constraint c
    WHERE c.contype = 'f'
      AND c.confrelid IN ('products'::regclass, 'variants'::regclass)
      AND c.conrelid IN ('variants'::regclass, 'variant_option_values'::regclass, 'product_images'::regclass)
    ORDER BY 1, 2`.execute(db)
  return rows
}

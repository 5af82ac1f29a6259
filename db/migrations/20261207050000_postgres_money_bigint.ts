import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Amounts of money are whole minor units. SQLite's integers are 64-bit;
 * PostgreSQL's `integer` stops at 2,147,483,647, so a price from
 * £21,474,836.48 up, or an order or a day's sales past it, failed there where
 * SQLite took it. Every money column becomes `bigint` on PostgreSQL (read
 * back as a number, as every bigint is: src/db/dialect/postgres.ts). Nothing
 * to do on SQLite.
 */
const MONEY: Record<string, string[]> = {
  variants: ['price', 'compare_at_price'],
  products: ['price_min', 'price_max'],
  orders: ['subtotal', 'discount_total', 'shipping_total', 'tax_total', 'total'],
  order_lines: ['unit_price', 'subtotal', 'discount', 'tax', 'total'],
  refunds: ['amount'],
  sales_daily: ['sales', 'refunds'],
  discount_codes: ['value', 'minimum_subtotal'],
}

export async function up(db: Kysely<any>): Promise<void> {
  await retype(db, 'bigint')
}

export async function down(db: Kysely<any>): Promise<void> {
  await retype(db, 'integer')
}

/**
 * PostgreSQL will not change the type of a column a trigger names (UPDATE OF
 * price): such triggers are dropped and made again, exactly as they were,
 * around the change.
 */
async function retype(db: Kysely<any>, type: 'bigint' | 'integer'): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const [table, columns] of Object.entries(MONEY)) {
    const { rows: triggers } = await sql<{ name: string; definition: string }>`
      SELECT DISTINCT t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
      FROM pg_trigger t
      JOIN pg_depend d ON d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
        AND d.refobjid = t.tgrelid AND d.refobjsubid > 0
      JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = d.refobjsubid
      WHERE NOT t.tgisinternal AND t.tgrelid = ${table}::regclass AND a.attname IN (${sql.join(columns)})`.execute(db)
    for (const trigger of triggers) await sql`DROP TRIGGER ${sql.id(trigger.name)} ON ${sql.table(table)}`.execute(db)
    const changes = columns.map((column) => sql`ALTER COLUMN ${sql.id(column)} TYPE ${sql.raw(type)}`)
    await sql`ALTER TABLE ${sql.table(table)} ${sql.join(changes)}`.execute(db)
    for (const trigger of triggers) await sql.raw(trigger.definition).execute(db)
  }
}

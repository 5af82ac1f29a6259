import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * A counter per kind of shared data that pages read on every view (the shop's
 * settings; the catalogue: categories, products, variants, their option
 * values and images). Every change to those tables adds one, in the same
 * transaction, so a process that keeps a copy of such data in memory can tell
 * with one indexed read whether its copy is still the database's, whichever
 * process made the change.
 *
 * The counting triggers are SQLite's, like the catalogue's other triggers;
 * PostgreSQL gets the table, and its triggers come with the scale-out work.
 */
const COUNTED: Record<string, string[]> = {
  settings: ['settings'],
  catalogue: ['categories', 'products', 'variants', 'variant_option_values', 'product_images', 'images'],
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_counters')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('version', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute()
  await db
    .insertInto('change_counters')
    .values(Object.keys(COUNTED).map((name) => ({ name, version: 0 })))
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Once a statement, not once a row: a bulk load moves the counter once.
    await sql.raw(`CREATE FUNCTION change_counters_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      UPDATE change_counters SET version = version + 1 WHERE name = TG_ARGV[0];
      RETURN NULL;
    END $$`).execute(db)
    for (const [counter, tables] of Object.entries(COUNTED)) {
      for (const table of tables) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_counts AFTER INSERT OR UPDATE OR DELETE ON ${table}
             FOR EACH STATEMENT EXECUTE FUNCTION change_counters_bump('${counter}')`,
          )
          .execute(db)
      }
    }
    return
  }
  for (const [counter, tables] of Object.entries(COUNTED)) {
    for (const table of tables) {
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_counts_${event.toLowerCase()} AFTER ${event} ON ${table}
             BEGIN UPDATE change_counters SET version = version + 1 WHERE name = '${counter}'; END`,
          )
          .execute(db)
      }
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of Object.values(COUNTED).flat()) {
      await sql.raw(`DROP TRIGGER IF EXISTS ${table}_counts ON ${table}`).execute(db)
    }
    await sql`DROP FUNCTION IF EXISTS change_counters_bump()`.execute(db)
  } else {
    for (const tables of Object.values(COUNTED)) {
      for (const table of tables) {
        for (const event of ['insert', 'update', 'delete']) {
          await sql.raw(`DROP TRIGGER IF EXISTS ${table}_counts_${event}`).execute(db)
        }
      }
    }
  }
  await db.schema.dropTable('change_counters').execute()
}

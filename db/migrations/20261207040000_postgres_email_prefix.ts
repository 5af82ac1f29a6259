import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Staff find customers and orders by the start of an email address
 * (src/db/dialect/prefix-search.ts). PostgreSQL answers `email LIKE 'ab%'`
 * from a b-tree only when the index compares bytes: the unique and list
 * indexes on email follow the database's collation, so without these a
 * search read every row. SQLite's side is a range of its binary index, which
 * exists already: nothing to do there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`CREATE INDEX users_email_prefix_idx ON users (email text_pattern_ops)`.execute(db)
  await sql`CREATE INDEX orders_email_prefix_idx ON orders (email text_pattern_ops)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`DROP INDEX orders_email_prefix_idx`.execute(db)
  await sql`DROP INDEX users_email_prefix_idx`.execute(db)
}

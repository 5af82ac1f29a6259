import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * The words of the search index with how many products hold each, read live
 * from products_fts: search suggests a spelling from them ("Did you mean
 * stoneware?"). SQLite only, like the index itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return
  await sql`CREATE VIRTUAL TABLE products_fts_vocab USING fts5vocab(products_fts, 'row')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return
  await sql`DROP TABLE IF EXISTS products_fts_vocab`.execute(db)
}

import type { Kysely } from 'kysely'
import { PostgresAdapter } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/** A customer's delivery addresses, kept from their orders to fill the next checkout. */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  await db.schema
    .createTable('addresses')
    .addColumn('id', 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('phone', 'varchar(40)', (c) => c.notNull().defaultTo(''))
    .addColumn('line1', 'varchar(200)', (c) => c.notNull())
    .addColumn('line2', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('city', 'varchar(100)', (c) => c.notNull())
    .addColumn('postcode', 'varchar(20)', (c) => c.notNull().defaultTo(''))
    .addColumn('country', 'varchar(2)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(30)', (c) => c.notNull())
    // The same address used again is the same row.
    .addUniqueConstraint('addresses_unique', ['user_id', 'line1', 'postcode', 'country'])
    .execute()
  await db.schema.createIndex('addresses_user_idx').on('addresses').columns(['user_id', 'last_used_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('addresses').execute()
}

import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Limits that hold across every app process. A sign-in attempt from a device
 * that signed in before is counted against that device (its cookie's nonce)
 * alone, so nobody can lock an account's owner out by guessing at it.
 * rate_limit_hits keeps one row per counted action (a sign-up, a contact
 * message, an "account exists" email) by bucket and key (a client address or
 * an email address), for limits per hour.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())

  await db.schema.alterTable('sign_in_failures').addColumn('device', 'varchar(64)').execute()
  await db.schema.createIndex('sign_in_failures_device_idx').on('sign_in_failures').columns(['device', 'at']).execute()

  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('id', 'integer', id)
    .addColumn('bucket', 'varchar(40)', (c) => c.notNull())
    .addColumn('key', 'varchar(254)', (c) => c.notNull())
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('rate_limit_hits_key_idx')
    .on('rate_limit_hits')
    .columns(['bucket', 'key', 'at'])
    .execute()
  await db.schema.createIndex('rate_limit_hits_at_idx').on('rate_limit_hits').column('at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_hits').execute()
  await db.schema.dropIndex('sign_in_failures_device_idx').execute()
  await db.schema.alterTable('sign_in_failures').dropColumn('device').execute()
}

import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', id)
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(200)', (c) => c.notNull())
    .addColumn('role', 'varchar(10)', (c) => c.notNull().defaultTo('customer'))
    .addColumn('email_verified_at', 'varchar(30)')
    .addColumn('disabled_at', 'varchar(30)')
    .addColumn('totp_secret', 'varchar(64)')
    .addColumn('totp_enabled_at', 'varchar(30)')
    .addColumn('totp_last_step', 'bigint')
    .addColumn('last_sign_in_at', 'varchar(30)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addCheckConstraint('users_role_check', sql`role in ('customer', 'staff', 'owner')`)
    .execute()
  await db.schema.createIndex('users_role_idx').on('users').column('role').execute()

  // Single-use links (verify an address, reset a password, confirm a new address, set up the owner): only a hash is kept.
  await db.schema
    .createTable('user_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(20)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('data', 'text')
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(30)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('user_tokens_user_idx').on('user_tokens').columns(['user_id', 'purpose']).execute()

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(30)')
    .execute()
  await db.schema.createIndex('recovery_codes_user_idx').on('recovery_codes').column('user_id').execute()

  // Failed sign-ins by email (whether or not it has an account) and by client address, for throttling.
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('id', 'integer', id)
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sign_in_failures_email_idx').on('sign_in_failures').columns(['email', 'at']).execute()
  await db.schema.createIndex('sign_in_failures_ip_idx').on('sign_in_failures').columns(['ip', 'at']).execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', id)
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .addColumn('action', 'varchar(40)', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer')
    .addColumn('subject_user_id', 'integer')
    .addColumn('ip', 'varchar(64)')
    .addColumn('details', 'text')
    .execute()
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute()
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject_user_id', 'at']).execute()

  await db.schema
    .alterTable('sessions')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .execute()
  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'varchar(30)').execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_user_idx').execute()
  await db.schema.alterTable('sessions').dropColumn('last_seen_at').execute()
  await db.schema.alterTable('sessions').dropColumn('user_id').execute()
  await db.schema.dropTable('audit_log').execute()
  await db.schema.dropTable('sign_in_failures').execute()
  await db.schema.dropTable('recovery_codes').execute()
  await db.schema.dropTable('user_tokens').execute()
  await db.schema.dropTable('users').execute()
}

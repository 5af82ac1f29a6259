import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * The JSON API's own state, all shared by every process:
 * - api_keys: keys owners create for outside services, with their scopes;
 *   only a SHA-256 of the key is kept (it is 256 random bits, so no salt is
 *   needed), and the first characters to tell keys apart.
 * - customer_tokens: a customer's access tokens from POST /api/v1/sessions,
 *   hashed the same way, expiring, revoked by signing out.
 * - api_carts: a cart an app made, with the hash of its bearer token and the
 *   checkout chosen so far (what a browser keeps in its session).
 * - idempotency_keys: each placed request's key, a hash of its body and the
 *   answer given, so a retry gets the same answer from any process.
 * - api_rate_limits: one counter per client and fixed window.
 * - webhook_endpoints / webhook_deliveries: where events go, and the outbox
 *   of each event to each endpoint with its attempts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  const bigint = postgres ? 'bigint' : 'integer'

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('key_prefix', 'varchar(20)', (c) => c.notNull())
    .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('scopes', 'varchar(500)', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(30)')
    .addColumn('revoked_at', 'varchar(30)')
    .execute()

  await db.schema
    .createTable('customer_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('label', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(30)')
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(30)')
    .execute()
  await db.schema.createIndex('customer_tokens_user_idx').on('customer_tokens').columns(['user_id', 'id']).execute()

  await db.schema
    .createTable('api_carts')
    .addColumn('cart_id', 'integer', (c) => c.primaryKey().references('carts.id').onDelete('cascade'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('checkout', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('id', 'integer', id)
    // Whose key: keys are unique per client (a cart's token, an API key), never across clients.
    .addColumn('scope', 'varchar(100)', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
    // Null while the first request with the key is still being answered.
    .addColumn('status_code', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addUniqueConstraint('idempotency_keys_scope_key_unique', ['scope', 'key'])
    .execute()
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute()

  await db.schema
    .createTable('api_rate_limits')
    .addColumn('key', 'varchar(200)', (c) => c.notNull())
    .addColumn('window_start', bigint, (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_rate_limits_pk', ['key', 'window_start'])
    .execute()
  await db.schema.createIndex('api_rate_limits_window_idx').on('api_rate_limits').column('window_start').execute()

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'integer', id)
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addColumn('description', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    // A JSON array of event types.
    .addColumn('events', 'varchar(500)', (c) => c.notNull())
    // Standard Webhooks' whsec_… secret; kept, since every delivery is signed with it.
    .addColumn('secret', 'varchar(100)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_reason', 'varchar(500)')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'integer', id)
    .addColumn('endpoint_id', 'integer', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    // The webhook-id header: the same for every attempt of one event to one endpoint.
    .addColumn('message_id', 'varchar(60)', (c) => c.notNull().unique())
    .addColumn('event', 'varchar(40)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending → delivered | failed (tries used up) ; the worker takes pending ones that are due.
    .addColumn('status', 'varchar(12)', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(30)')
    .addColumn('last_attempt_at', 'varchar(30)')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'varchar(500)')
    // At most 1 KB of what the receiver answered.
    .addColumn('last_response', 'varchar(1024)')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('delivered_at', 'varchar(30)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_endpoint_idx')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'webhook_deliveries',
    'webhook_endpoints',
    'api_rate_limits',
    'idempotency_keys',
    'api_carts',
    'customer_tokens',
    'api_keys',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}

import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * The back office's records: each order's timeline (placed, paid, reminded,
 * cancelled, notes, …, by whom), the activity log of every change staff
 * make, parcels and refunds, the dashboard's daily sales (SQLite triggers; the
 * PostgreSQL ones come with the scale-out work), and the indexes the order
 * list needs to stay fast at a million orders.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
  await db.schema
    .createTable('order_events')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('at', 'varchar(30)', (col) => col.notNull())
    .addColumn('kind', 'varchar(40)', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('message', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'id']).execute()

  await db.schema
    .createTable('activity_log')
    .addColumn('id', 'integer', id)
    .addColumn('at', 'varchar(30)', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('action', 'varchar(60)', (col) => col.notNull())
    .addColumn('subject_type', 'varchar(40)', (col) => col.notNull())
    .addColumn('subject_id', 'integer')
    .addColumn('summary', 'text', (col) => col.notNull())
    // JSON: { field: [before, after] } for the fields that matter.
    .addColumn('changes', 'text')
    .execute()
  await db.schema.createIndex('activity_log_subject_idx').on('activity_log').columns(['subject_type', 'subject_id', 'id']).execute()
  await db.schema.createIndex('activity_log_actor_idx').on('activity_log').columns(['actor_user_id', 'id']).execute()
  await db.schema.createIndex('activity_log_action_idx').on('activity_log').columns(['action', 'id']).execute()

  // What was sent: each parcel (carrier, tracking number) and how many of each line went in it.
  await db.schema
    .createTable('fulfilments')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('carrier', 'varchar(100)', (col) => col.notNull())
    .addColumn('tracking_number', 'varchar(100)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(30)', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('fulfilments_order_idx').on('fulfilments').column('order_id').execute()
  await db.schema
    .createTable('fulfilment_lines')
    .addColumn('fulfilment_id', 'integer', (col) => col.notNull().references('fulfilments.id').onDelete('cascade'))
    .addColumn('order_line_id', 'integer', (col) => col.notNull().references('order_lines.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('fulfilment_lines_pk', ['fulfilment_id', 'order_line_id'])
    .execute()
  await db.schema.createIndex('fulfilment_lines_line_idx').on('fulfilment_lines').column('order_line_id').execute()

  // Money given back: by the payment provider (Stripe) or by hand (a bank transfer back). A provider
  // refund is written as pending before the provider is asked, so a crash in between is seen and retried.
  await db.schema
    .createTable('refunds')
    .addColumn('id', 'integer', id)
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('amount', 'integer', (col) => col.notNull().check(sql`amount > 0`))
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('status', 'varchar(20)', (col) => col.notNull())
    .addColumn('provider_refund_id', 'varchar(255)')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'varchar(30)', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('refunds_order_idx').on('refunds').column('order_id').execute()
  // The provider's own id for a paid card order's payment, which a refund names.
  await db.schema.alterTable('orders').addColumn('payment_provider_ref', 'varchar(255)').execute()

  // The dashboard's figures without adding up a million orders on every view: orders placed and
  // their value per UTC day, kept by triggers in the same transaction as each order and cancellation.
  await db.schema
    .createTable('sales_daily')
    .addColumn('day', 'varchar(10)', (col) => col.primaryKey())
    .addColumn('orders', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('sales', 'integer', (col) => col.notNull().defaultTo(0))
    .execute()
  // Low-stock variants, for the dashboard.
  await db.schema.createIndex('variants_low_stock_idx').on('variants').columns(['track_stock', 'stock']).execute()
  if (postgres) {
    await sql.raw(`CREATE FUNCTION orders_sales() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF TG_OP = 'INSERT' AND NEW.cancelled_at IS NULL THEN
        INSERT INTO sales_daily (day, orders, sales) VALUES (substr(NEW.placed_at, 1, 10), 1, NEW.total)
        ON CONFLICT (day) DO UPDATE SET orders = sales_daily.orders + 1, sales = sales_daily.sales + excluded.sales;
      ELSIF TG_OP = 'UPDATE' AND OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL THEN
        UPDATE sales_daily SET orders = orders - 1, sales = sales - OLD.total WHERE day = substr(OLD.placed_at, 1, 10);
      END IF;
      RETURN NULL;
    END $$`).execute(db)
    await sql`CREATE TRIGGER orders_sales AFTER INSERT OR UPDATE OF cancelled_at ON orders
      FOR EACH ROW EXECUTE FUNCTION orders_sales()`.execute(db)
    await sql`INSERT INTO sales_daily (day, orders, sales)
      SELECT substr(placed_at, 1, 10), count(*), sum(total) FROM orders WHERE cancelled_at IS NULL GROUP BY 1`.execute(db)
  } else {
    await sql`CREATE TRIGGER orders_sales_insert AFTER INSERT ON orders WHEN new.cancelled_at IS NULL BEGIN
      INSERT INTO sales_daily (day, orders, sales) VALUES (substr(new.placed_at, 1, 10), 1, new.total)
      ON CONFLICT (day) DO UPDATE SET orders = orders + 1, sales = sales + excluded.sales; END`.execute(db)
    await sql`CREATE TRIGGER orders_sales_cancel AFTER UPDATE OF cancelled_at ON orders
      WHEN old.cancelled_at IS NULL AND new.cancelled_at IS NOT NULL BEGIN
      UPDATE sales_daily SET orders = orders - 1, sales = sales - old.total WHERE day = substr(old.placed_at, 1, 10); END`.execute(db)
    await sql`INSERT INTO sales_daily (day, orders, sales)
      SELECT substr(placed_at, 1, 10), count(*), sum(total) FROM orders WHERE cancelled_at IS NULL GROUP BY 1`.execute(db)
  }

  // The dashboard's "waiting" figures, kept by triggers: each change to an order moves a count by
  // (matches now) - (matched before), so reading them never counts orders.
  await db.schema
    .createTable('order_counts')
    .addColumn('name', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('n', 'integer', (col) => col.notNull().defaultTo(0))
    .execute()
  {
    const counted = (row: 'new' | 'old') => ({
      awaiting_payment: `(${row}.payment_status = 'pending' AND ${row}.cancelled_at IS NULL)`,
      to_send: `(${row}.fulfilment_status IN ('unfulfilled', 'partially_fulfilled') AND ${row}.cancelled_at IS NULL
        AND (${row}.payment_status = 'paid' OR ${row}.payment_method = 'pay_on_pickup'))`,
    })
    for (const [name, condition] of Object.entries(counted('new'))) {
      await sql`INSERT INTO order_counts (name, n) SELECT ${name}, count(*) FROM orders new WHERE ${sql.raw(condition)}`.execute(db)
    }
    // A condition counts as 1 or 0: SQLite's booleans are numbers, PostgreSQL's are cast.
    const number = (condition: string) => (postgres ? `(${condition})::int` : condition)
    const change = (plus: 'new' | null, minus: 'old' | null) =>
      Object.keys(counted('new'))
        .map((name) => {
          const up = plus ? number(counted(plus)[name as 'to_send']) : '0'
          const down = minus ? number(counted(minus)[name as 'to_send']) : '0'
          return `UPDATE order_counts SET n = n + ${up} - ${down} WHERE name = '${name}';`
        })
        .join('\n')
    if (postgres) {
      await sql.raw(`CREATE FUNCTION orders_counts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP = 'INSERT' THEN ${change('new', null)}
        ELSIF TG_OP = 'UPDATE' THEN ${change('new', 'old')}
        ELSE ${change(null, 'old')}
        END IF;
        RETURN NULL;
      END $$`).execute(db)
      await sql`CREATE TRIGGER orders_counts AFTER INSERT OR UPDATE OR DELETE ON orders
        FOR EACH ROW EXECUTE FUNCTION orders_counts()`.execute(db)
    } else {
    await sql.raw(`CREATE TRIGGER orders_counts_insert AFTER INSERT ON orders BEGIN ${change('new', null)} END`).execute(db)
    await sql.raw(`CREATE TRIGGER orders_counts_update AFTER UPDATE ON orders BEGIN ${change('new', 'old')} END`).execute(db)
    await sql.raw(`CREATE TRIGGER orders_counts_delete AFTER DELETE ON orders BEGIN ${change(null, 'old')} END`).execute(db)
    }
  }

  // Why stock is what it is: every change to a counted variant's stock (a sale, a cancellation, an
  // adjustment by staff, an import) is a row, with the stock after it.
  await db.schema
    .createTable('stock_movements')
    .addColumn('id', 'integer', id)
    .addColumn('variant_id', 'integer', (col) => col.notNull().references('variants.id').onDelete('cascade'))
    .addColumn('change', 'integer', (col) => col.notNull())
    .addColumn('stock_after', 'integer', (col) => col.notNull())
    .addColumn('reason', 'varchar(20)', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('order_id', 'integer', (col) => col.references('orders.id').onDelete('set null'))
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(30)', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('stock_movements_variant_idx').on('stock_movements').columns(['variant_id', 'id']).execute()

  // The order list: newest first, by status, by name (case-insensitive prefix).
  await db.schema.createIndex('orders_payment_list_idx').on('orders').columns(['payment_status', 'id']).execute()
  await db.schema.createIndex('orders_fulfilment_list_idx').on('orders').columns(['fulfilment_status', 'id']).execute()
  await db.schema.createIndex('orders_placed_idx').on('orders').column('placed_at').execute()
  // A name's start in any case: NOCASE on SQLite, lower() with pattern ops on PostgreSQL (src/db/prefix-search.ts).
  if (postgres) await sql`CREATE INDEX orders_name_idx ON orders (lower(name) text_pattern_ops)`.execute(db)
  else await sql`CREATE INDEX orders_name_idx ON orders (name COLLATE NOCASE)`.execute(db)
  // The outbox page: sent or failed, newest first.
  await db.schema.createIndex('outbox_emails_status_idx').on('outbox_emails').columns(['status', 'id']).execute()
  // The customer list: by role, newest first, and found by the start of a name.
  await db.schema.createIndex('users_role_list_idx').on('users').columns(['role', 'id']).execute()
  if (postgres) await sql`CREATE INDEX users_name_idx ON users (lower(name) text_pattern_ops)`.execute(db)
  else await sql`CREATE INDEX users_name_idx ON users (name COLLATE NOCASE)`.execute(db)

  // The product list in the back office, sorted over every status: by title and by price; newest is the rowid.
  await db.schema.createIndex('products_admin_title_idx').on('products').columns(['title', 'id']).execute()
  await db.schema.createIndex('products_admin_price_idx').on('products').columns(['price_min', 'id']).execute()
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    // Staff search every product, drafts and archived ones too, by title or SKU; the storefront's
    // index holds active products only, so ranking a shopper's search reads nothing else.
    await sql`CREATE VIRTUAL TABLE products_admin_fts USING fts5(
      title, skus, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`.execute(db)
    const refresh = (productId: string) => sql.raw(`
      DELETE FROM products_admin_fts WHERE rowid = ${productId};
      INSERT INTO products_admin_fts (rowid, title, skus)
        SELECT p.id, p.title, coalesce((SELECT group_concat(sku, ' ') FROM variants WHERE product_id = p.id), '')
        FROM products p WHERE p.id = ${productId};`)
    await sql`CREATE TRIGGER products_admin_fts_insert AFTER INSERT ON products BEGIN ${refresh('new.id')} END`.execute(db)
    await sql`CREATE TRIGGER products_admin_fts_update AFTER UPDATE OF title ON products BEGIN ${refresh('new.id')} END`.execute(db)
    await sql`CREATE TRIGGER products_admin_fts_delete AFTER DELETE ON products BEGIN DELETE FROM products_admin_fts WHERE rowid = old.id; END`.execute(db)
    await sql`CREATE TRIGGER variants_admin_fts_insert AFTER INSERT ON variants BEGIN ${refresh('new.product_id')} END`.execute(db)
    await sql`CREATE TRIGGER variants_admin_fts_update AFTER UPDATE OF sku, product_id ON variants BEGIN ${refresh('new.product_id')} ${refresh('old.product_id')} END`.execute(db)
    await sql`CREATE TRIGGER variants_admin_fts_delete AFTER DELETE ON variants BEGIN ${refresh('old.product_id')} END`.execute(db)
    await sql`INSERT INTO products_admin_fts (rowid, title, skus)
      SELECT p.id, p.title, coalesce((SELECT group_concat(sku, ' ') FROM variants WHERE product_id = p.id), '') FROM products p`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    for (const name of ['products_admin_fts_insert', 'products_admin_fts_update', 'products_admin_fts_delete', 'variants_admin_fts_insert', 'variants_admin_fts_update', 'variants_admin_fts_delete']) {
      await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db)
    }
    await sql`DROP TABLE IF EXISTS products_admin_fts`.execute(db)
  }
  await db.schema.dropIndex('products_admin_price_idx').execute()
  await db.schema.dropIndex('products_admin_title_idx').execute()
  await db.schema.dropIndex('outbox_emails_status_idx').execute()
  await db.schema.dropIndex('users_name_idx').execute()
  await db.schema.dropIndex('users_role_list_idx').execute()
  await db.schema.dropIndex('orders_name_idx').execute()
  await db.schema.dropIndex('orders_placed_idx').execute()
  await db.schema.dropIndex('orders_fulfilment_list_idx').execute()
  await db.schema.dropIndex('orders_payment_list_idx').execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP TRIGGER IF EXISTS orders_sales ON orders`.execute(db)
    await sql`DROP TRIGGER IF EXISTS orders_counts ON orders`.execute(db)
    await sql`DROP FUNCTION IF EXISTS orders_sales()`.execute(db)
    await sql`DROP FUNCTION IF EXISTS orders_counts()`.execute(db)
  } else {
    await sql`DROP TRIGGER IF EXISTS orders_sales_insert`.execute(db)
    await sql`DROP TRIGGER IF EXISTS orders_sales_cancel`.execute(db)
    for (const event of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS orders_counts_${event}`).execute(db)
  }
  await db.schema.dropIndex('variants_low_stock_idx').execute()
  await db.schema.dropTable('order_counts').execute()
  await db.schema.dropTable('sales_daily').execute()
  await db.schema.dropTable('stock_movements').execute()
  await db.schema.alterTable('orders').dropColumn('payment_provider_ref').execute()
  await db.schema.dropTable('refunds').execute()
  await db.schema.dropTable('fulfilment_lines').execute()
  await db.schema.dropTable('fulfilments').execute()
  await db.schema.dropTable('activity_log').execute()
  await db.schema.dropTable('order_events').execute()
}

import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Net sales on the dashboard: money given back comes off the figures on the
 * UTC day it went back (as a shop's books take it), once the refund has gone
 * through. A cancelled order is out of the figures whole (orders_sales_cancel
 * takes its total off its day), so its refunds count nothing: made after the
 * cancellation they are never added, made before it they are taken back when
 * it is cancelled. Kept by triggers in the same transaction as each refund
 * and cancellation, like the rest of sales_daily.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sales_daily')
    .addColumn('refunds', 'integer', (col) => col.notNull().defaultTo(0))
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql.raw(`CREATE FUNCTION refunds_sales() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.status = 'succeeded' AND (TG_OP = 'INSERT' OR OLD.status <> 'succeeded')
         AND (SELECT cancelled_at FROM orders WHERE id = NEW.order_id) IS NULL THEN
        INSERT INTO sales_daily (day, refunds) VALUES (substr(NEW.created_at, 1, 10), NEW.amount)
        ON CONFLICT (day) DO UPDATE SET refunds = sales_daily.refunds + excluded.refunds;
      END IF;
      RETURN NULL;
    END $$`).execute(db)
    await sql`CREATE TRIGGER refunds_sales AFTER INSERT OR UPDATE OF status ON refunds
      FOR EACH ROW EXECUTE FUNCTION refunds_sales()`.execute(db)
    await sql.raw(`CREATE FUNCTION orders_sales_cancel_refunds() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL THEN
        UPDATE sales_daily SET refunds = refunds - (
          SELECT coalesce(sum(r.amount), 0) FROM refunds r
          WHERE r.order_id = NEW.id AND r.status = 'succeeded' AND substr(r.created_at, 1, 10) = sales_daily.day)
        WHERE day IN (SELECT substr(created_at, 1, 10) FROM refunds WHERE order_id = NEW.id AND status = 'succeeded');
      END IF;
      RETURN NULL;
    END $$`).execute(db)
    await sql`CREATE TRIGGER orders_sales_cancel_refunds AFTER UPDATE OF cancelled_at ON orders
      FOR EACH ROW EXECUTE FUNCTION orders_sales_cancel_refunds()`.execute(db)
    await sql`INSERT INTO sales_daily (day, refunds)
      SELECT substr(r.created_at, 1, 10), sum(r.amount) FROM refunds r JOIN orders o ON o.id = r.order_id
      WHERE r.status = 'succeeded' AND o.cancelled_at IS NULL GROUP BY 1
      ON CONFLICT (day) DO UPDATE SET refunds = excluded.refunds`.execute(db)
    return
  }

  const live = sql.raw(`(SELECT cancelled_at FROM orders WHERE id = new.order_id) IS NULL`)
  const add = sql.raw(`INSERT INTO sales_daily (day, refunds) VALUES (substr(new.created_at, 1, 10), new.amount)
      ON CONFLICT (day) DO UPDATE SET refunds = refunds + excluded.refunds;`)
  await sql`CREATE TRIGGER refunds_sales_insert AFTER INSERT ON refunds
    WHEN new.status = 'succeeded' AND ${live} BEGIN ${add} END`.execute(db)
  await sql`CREATE TRIGGER refunds_sales_settle AFTER UPDATE OF status ON refunds
    WHEN old.status <> 'succeeded' AND new.status = 'succeeded' AND ${live} BEGIN ${add} END`.execute(db)
  await sql`CREATE TRIGGER orders_sales_cancel_refunds AFTER UPDATE OF cancelled_at ON orders
    WHEN old.cancelled_at IS NULL AND new.cancelled_at IS NOT NULL BEGIN
      UPDATE sales_daily SET refunds = refunds - (
        SELECT coalesce(sum(r.amount), 0) FROM refunds r
        WHERE r.order_id = new.id AND r.status = 'succeeded' AND substr(r.created_at, 1, 10) = sales_daily.day)
      WHERE day IN (SELECT substr(created_at, 1, 10) FROM refunds WHERE order_id = new.id AND status = 'succeeded');
    END`.execute(db)
  await sql`INSERT INTO sales_daily (day, refunds)
    SELECT substr(r.created_at, 1, 10), sum(r.amount) FROM refunds r JOIN orders o ON o.id = r.order_id
    WHERE r.status = 'succeeded' AND o.cancelled_at IS NULL GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET refunds = excluded.refunds`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP TRIGGER IF EXISTS refunds_sales ON refunds`.execute(db)
    await sql`DROP TRIGGER IF EXISTS orders_sales_cancel_refunds ON orders`.execute(db)
    await sql`DROP FUNCTION IF EXISTS refunds_sales()`.execute(db)
    await sql`DROP FUNCTION IF EXISTS orders_sales_cancel_refunds()`.execute(db)
  } else {
    for (const trigger of ['refunds_sales_insert', 'refunds_sales_settle', 'orders_sales_cancel_refunds'])
      await sql`DROP TRIGGER IF EXISTS ${sql.id(trigger)}`.execute(db)
  }
  await db.schema.alterTable('sales_daily').dropColumn('refunds').execute()
}

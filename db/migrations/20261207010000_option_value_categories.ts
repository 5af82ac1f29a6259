import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Each option value row carries its product's category, so a listing's
 * filters read the values one branch of the catalogue offers, and count the
 * products offering each, from one index (category, name, value, product)
 * instead of grouping every variant of the branch. Triggers keep the copy
 * equal to the product's category, however a row is written.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('variant_option_values').addColumn('category_id', 'integer').execute()
  await sql`UPDATE variant_option_values SET category_id =
    (SELECT category_id FROM products WHERE products.id = variant_option_values.product_id)`.execute(db)
  await db.schema
    .createIndex('variant_option_values_category_idx')
    .on('variant_option_values')
    .columns(['category_id', 'name', 'value', 'product_id'])
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql.raw(`CREATE FUNCTION option_values_category() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      NEW.category_id := (SELECT category_id FROM products WHERE id = NEW.product_id);
      RETURN NEW;
    END $$`).execute(db)
    await sql`CREATE TRIGGER option_values_category BEFORE INSERT ON variant_option_values
      FOR EACH ROW EXECUTE FUNCTION option_values_category()`.execute(db)
    await sql.raw(`CREATE FUNCTION products_option_values_category() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF TG_OP = 'INSERT' OR NEW.category_id IS DISTINCT FROM OLD.category_id THEN
        UPDATE variant_option_values SET category_id = NEW.category_id WHERE product_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$`).execute(db)
    await sql`CREATE TRIGGER products_option_values_category AFTER INSERT OR UPDATE OF category_id ON products
      FOR EACH ROW EXECUTE FUNCTION products_option_values_category()`.execute(db)
    return
  }
  await sql`CREATE TRIGGER option_values_category_insert AFTER INSERT ON variant_option_values BEGIN
    UPDATE variant_option_values SET category_id = (SELECT category_id FROM products WHERE id = new.product_id)
    WHERE variant_id = new.variant_id AND name = new.name;
  END`.execute(db)
  // Bulk loads write a product's variants and option values before the product itself: its insert fills them in.
  await sql`CREATE TRIGGER products_option_values_category_insert AFTER INSERT ON products BEGIN
    UPDATE variant_option_values SET category_id = new.category_id WHERE product_id = new.id;
  END`.execute(db)
  await sql`CREATE TRIGGER products_option_values_category AFTER UPDATE OF category_id ON products BEGIN
    UPDATE variant_option_values SET category_id = new.category_id WHERE product_id = new.id;
  END`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP TRIGGER IF EXISTS option_values_category ON variant_option_values`.execute(db)
    await sql`DROP TRIGGER IF EXISTS products_option_values_category ON products`.execute(db)
    await sql`DROP FUNCTION IF EXISTS option_values_category()`.execute(db)
    await sql`DROP FUNCTION IF EXISTS products_option_values_category()`.execute(db)
  } else {
    await sql`DROP TRIGGER IF EXISTS option_values_category_insert`.execute(db)
    await sql`DROP TRIGGER IF EXISTS products_option_values_category_insert`.execute(db)
    await sql`DROP TRIGGER IF EXISTS products_option_values_category`.execute(db)
  }
  await db.schema.dropIndex('variant_option_values_category_idx').execute()
  await db.schema.alterTable('variant_option_values').dropColumn('category_id').execute()
}

import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = (c: any) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())

  await db.schema
    .createTable('categories')
    .addColumn('id', 'integer', id)
    .addColumn('parent_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('slug', 'varchar(120)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('categories_parent_idx').on('categories').columns(['parent_id', 'position']).execute()

  await db.schema
    .createTable('images')
    .addColumn('id', 'integer', id)
    // Content hash of the original: files are named by it, so they can be cached for ever.
    .addColumn('key', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    // JSON array of the widths that were generated, e.g. [320, 640, 1200].
    .addColumn('widths', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('products')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'varchar(160)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('description_md', 'text', (c) => c.notNull().defaultTo(''))
    // Rendered and sanitised when saved, so a page view never parses Markdown.
    .addColumn('description_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'varchar(10)', (c) => c.notNull().defaultTo('draft'))
    .addColumn('seo_title', 'varchar(200)')
    .addColumn('seo_description', 'varchar(320)')
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('option_names', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    // Kept from the variants by triggers, so listings filter and sort on indexed columns.
    .addColumn('price_min', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('price_max', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('in_stock', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published_at', 'varchar(30)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addCheckConstraint('products_status_check', sql`status in ('draft', 'active', 'archived')`)
    .execute()
  // One index per listing order, for the whole shop and per category: a page is an index range, never a sort of the table.
  for (const [name, column] of [
    ['newest', 'published_at'],
    ['price', 'price_min'],
    ['title', 'title'],
  ] as const) {
    await db.schema
      .createIndex(`products_status_${name}_idx`)
      .on('products')
      .columns(['status', column, 'id'])
      .execute()
    await db.schema
      .createIndex(`products_stock_${name}_idx`)
      .on('products')
      .columns(['status', 'in_stock', column, 'id'])
      .execute()
    await db.schema
      .createIndex(`products_category_${name}_idx`)
      .on('products')
      .columns(['category_id', 'status', column, 'id'])
      .execute()
  }
  await db.schema.createIndex('products_featured_idx').on('products').columns(['status', 'featured']).execute()
  // The sitemap index: how many products it lists (a covering count over (status, id)) and when the catalogue last changed.
  await db.schema.createIndex('products_status_idx').on('products').columns(['status', 'id']).execute()
  await db.schema.createIndex('products_updated_idx').on('products').column('updated_at').execute()
  await db.schema.createIndex('categories_updated_idx').on('categories').column('updated_at').execute()

  // Old slugs answer 301 to the product's current address.
  await db.schema
    .createTable('product_slugs')
    .addColumn('slug', 'varchar(160)', (c) => c.primaryKey())
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('product_slugs_product_idx').on('product_slugs').column('product_id').execute()

  await db.schema
    .createTable('variants')
    .addColumn('id', 'integer', id)
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('sku', 'varchar(64)', (c) => c.notNull().unique())
    // JSON object of option name to value, e.g. {"Size":"M","Colour":"Blue"}; {} for a product without options.
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('price', 'integer', (c) => c.notNull())
    .addColumn('compare_at_price', 'integer')
    .addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('track_stock', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('allow_backorder', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addCheckConstraint('variants_price_check', sql`price >= 0 and (compare_at_price is null or compare_at_price >= 0)`)
    // Stock that is counted can never go below zero unless the variant takes backorders.
    .addCheckConstraint('variants_stock_check', sql`stock >= 0 or track_stock = 0 or allow_backorder = 1`)
    .execute()
  await db.schema.createIndex('variants_product_idx').on('variants').columns(['product_id', 'position']).execute()

  // One row per option value of a variant, so "size M" filters a listing through an index.
  await db.schema
    .createTable('variant_option_values')
    .addColumn('variant_id', 'integer', (c) => c.notNull().references('variants.id').onDelete('cascade'))
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('name', 'varchar(50)', (c) => c.notNull())
    .addColumn('value', 'varchar(100)', (c) => c.notNull())
    .addPrimaryKeyConstraint('variant_option_values_pk', ['variant_id', 'name'])
    .execute()
  await db.schema
    .createIndex('variant_option_values_lookup_idx')
    .on('variant_option_values')
    .columns(['name', 'value', 'product_id'])
    .execute()
  await db.schema
    .createIndex('variant_option_values_product_idx')
    .on('variant_option_values')
    .column('product_id')
    .execute()

  await db.schema
    .createTable('product_images')
    .addColumn('id', 'integer', id)
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('image_id', 'integer', (c) => c.notNull().references('images.id'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('alt', 'varchar(250)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('product_images_product_idx')
    .on('product_images')
    .columns(['product_id', 'position'])
    .execute()
  await db.schema.createIndex('product_images_image_idx').on('product_images').column('image_id').execute()

  if (postgres) {
    // The same rule as SQLite's triggers below, in PL/pgSQL. PostgreSQL's search index comes in a migration of its own.
    await sql.raw(`CREATE FUNCTION products_summary(pid integer) RETURNS void LANGUAGE sql AS $$
      UPDATE products SET
        price_min = coalesce((SELECT min(price) FROM variants WHERE product_id = pid), 0),
        price_max = coalesce((SELECT max(price) FROM variants WHERE product_id = pid), 0),
        in_stock = CASE WHEN EXISTS (SELECT 1 FROM variants WHERE product_id = pid
                         AND (track_stock = 0 OR allow_backorder = 1 OR stock > 0)) THEN 1 ELSE 0 END
      WHERE id = pid $$`).execute(db)
    await sql.raw(`CREATE FUNCTION variants_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF TG_OP <> 'DELETE' THEN PERFORM products_summary(NEW.product_id); END IF;
      IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.product_id <> NEW.product_id) THEN
        PERFORM products_summary(OLD.product_id);
      END IF;
      RETURN NULL;
    END $$`).execute(db)
    await sql.raw(`CREATE TRIGGER variants_summary
      AFTER INSERT OR DELETE OR UPDATE OF price, stock, track_stock, allow_backorder, product_id ON variants
      FOR EACH ROW EXECUTE FUNCTION variants_summary()`).execute(db)
    return
  }

  // Price range and stock state follow the variants, whoever changes them (admin, checkout, import).
  const summary = (productId: string) => sql.raw(`
    UPDATE products SET
      price_min = coalesce((SELECT min(price) FROM variants WHERE product_id = ${productId}), 0),
      price_max = coalesce((SELECT max(price) FROM variants WHERE product_id = ${productId}), 0),
      in_stock = EXISTS (SELECT 1 FROM variants WHERE product_id = ${productId}
                         AND (track_stock = 0 OR allow_backorder = 1 OR stock > 0))
    WHERE id = ${productId};`)
  await sql`CREATE TRIGGER variants_summary_insert AFTER INSERT ON variants BEGIN ${summary('new.product_id')} END`.execute(
    db,
  )
  await sql`CREATE TRIGGER variants_summary_update AFTER UPDATE OF price, stock, track_stock, allow_backorder, product_id ON variants BEGIN ${summary('new.product_id')} ${summary('old.product_id')} END`.execute(
    db,
  )
  await sql`CREATE TRIGGER variants_summary_delete AFTER DELETE ON variants BEGIN ${summary('old.product_id')} END`.execute(
    db,
  )

  // Full-text search over title, description, SKUs and category name of active products, kept in step by
  // triggers. Only active products are indexed, so ranking a search reads the index alone.
  await sql`CREATE VIRTUAL TABLE products_fts USING fts5(
    title, description, skus, category,
    tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')`.execute(db)
  const refresh = (productId: string) => sql.raw(`
    DELETE FROM products_fts WHERE rowid = ${productId};
    INSERT INTO products_fts (rowid, title, description, skus, category)
      SELECT p.id, p.title, p.description_text,
             coalesce((SELECT group_concat(sku, ' ') FROM variants WHERE product_id = p.id), ''),
             coalesce((SELECT name FROM categories WHERE id = p.category_id), '')
      FROM products p WHERE p.id = ${productId} AND p.status = 'active';`)
  await sql`CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN ${refresh('new.id')} END`.execute(db)
  await sql`CREATE TRIGGER products_fts_update AFTER UPDATE OF title, description_text, category_id, status ON products BEGIN ${refresh('new.id')} END`.execute(
    db,
  )
  await sql`CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN DELETE FROM products_fts WHERE rowid = old.id; END`.execute(
    db,
  )
  await sql`CREATE TRIGGER variants_fts_insert AFTER INSERT ON variants BEGIN ${refresh('new.product_id')} END`.execute(
    db,
  )
  await sql`CREATE TRIGGER variants_fts_update AFTER UPDATE OF sku, product_id ON variants BEGIN ${refresh('new.product_id')} ${refresh('old.product_id')} END`.execute(
    db,
  )
  await sql`CREATE TRIGGER variants_fts_delete AFTER DELETE ON variants BEGIN ${refresh('old.product_id')} END`.execute(
    db,
  )
  await sql`CREATE TRIGGER categories_fts_update AFTER UPDATE OF name ON categories BEGIN
    UPDATE products SET category_id = category_id WHERE category_id = new.id; END`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  if (!postgres) await sql`DROP TABLE IF EXISTS products_fts`.execute(db)
  if (postgres) {
    await sql`DROP TRIGGER IF EXISTS variants_summary ON variants`.execute(db)
    await sql`DROP FUNCTION IF EXISTS variants_summary()`.execute(db)
    await sql`DROP FUNCTION IF EXISTS products_summary(integer)`.execute(db)
  }
  await db.schema.dropTable('product_images').execute()
  await db.schema.dropTable('variant_option_values').execute()
  await db.schema.dropTable('variants').execute()
  await db.schema.dropTable('product_slugs').execute()
  await db.schema.dropTable('products').execute()
  await db.schema.dropTable('images').execute()
  await db.schema.dropTable('categories').execute()
}

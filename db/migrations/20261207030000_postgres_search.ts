import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Full-text search on PostgreSQL, the same tables SQLite has as FTS5
 * (products_fts for shoppers: active products only; products_admin_fts for
 * staff: every product, titles and SKUs; products_fts_vocab: each indexed
 * word and how many products hold it, for "did you mean"), with the product
 * id in `rowid` as there, so queries join them alike. `document` is a
 * weighted tsvector (title A, SKUs B, category C, description D) in the
 * configuration `shop`: English stems with no stop words, as SQLite's porter
 * tokenizer (a search for "mug and" must need "and"). Kept by triggers, like
 * SQLite's. Nothing to do on SQLite.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  const run = (text: string) => sql.raw(text).execute(db)

  await run(`CREATE TEXT SEARCH DICTIONARY shop_stem (TEMPLATE = snowball, Language = english)`)
  await run(`CREATE TEXT SEARCH CONFIGURATION shop (COPY = english)`)
  await run(`ALTER TEXT SEARCH CONFIGURATION shop
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH shop_stem`)

  await run(`CREATE TABLE products_fts (
    rowid integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    title text NOT NULL,
    description text NOT NULL,
    document tsvector NOT NULL)`)
  await run(`CREATE INDEX products_fts_document_idx ON products_fts USING gin (document)`)
  await run(`CREATE TABLE products_admin_fts (
    rowid integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    document tsvector NOT NULL)`)
  await run(`CREATE INDEX products_admin_fts_document_idx ON products_admin_fts USING gin (document)`)
  await run(`CREATE TABLE products_fts_vocab (term text COLLATE "C" PRIMARY KEY, doc integer NOT NULL)`)

  // The vocabulary follows every change of a shopper's index row: the words it loses and gains.
  await run(`CREATE FUNCTION products_fts_vocab_count(words text[], step integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO products_fts_vocab (term, doc) SELECT w, step FROM unnest(words) AS w
    ON CONFLICT (term) DO UPDATE SET doc = products_fts_vocab.doc + excluded.doc;
    DELETE FROM products_fts_vocab WHERE doc <= 0 AND term = ANY (words) $$`)
  await run(`CREATE FUNCTION products_fts_vocab_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM products_fts_vocab_count(tsvector_to_array(OLD.document), -1); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM products_fts_vocab_count(tsvector_to_array(NEW.document), 1); END IF;
    RETURN NULL;
  END $$`)
  await run(`CREATE TRIGGER products_fts_vocab AFTER INSERT OR UPDATE OR DELETE ON products_fts
    FOR EACH ROW EXECUTE FUNCTION products_fts_vocab_follow()`)

  await run(`CREATE FUNCTION products_fts_refresh(pid integer) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    p products%ROWTYPE;
    skus text;
    category text;
    doc tsvector;
  BEGIN
    SELECT * INTO p FROM products WHERE id = pid;
    IF NOT FOUND THEN
      DELETE FROM products_fts WHERE rowid = pid;
      RETURN;
    END IF;
    skus := coalesce((SELECT string_agg(sku, ' ' ORDER BY id) FROM variants WHERE product_id = pid), '');
    INSERT INTO products_admin_fts (rowid, document)
      VALUES (pid, to_tsvector('simple', p.title || ' ' || skus || ' ' || translate(skus, '-_./', '    ')))
      ON CONFLICT (rowid) DO UPDATE SET document = excluded.document;
    IF p.status <> 'active' THEN
      DELETE FROM products_fts WHERE rowid = pid;
      RETURN;
    END IF;
    category := coalesce((SELECT name FROM categories WHERE id = p.category_id), '');
    doc := setweight(to_tsvector('shop', p.title), 'A')
        || setweight(to_tsvector('shop', translate(skus, '-_./', '    ')), 'B')
        || setweight(to_tsvector('shop', category), 'C')
        || setweight(to_tsvector('shop', p.description_text), 'D');
    INSERT INTO products_fts (rowid, title, description, document)
      VALUES (pid, p.title, p.description_text, doc)
      ON CONFLICT (rowid) DO UPDATE SET title = excluded.title, description = excluded.description,
        document = excluded.document
      WHERE products_fts.document IS DISTINCT FROM excluded.document
         OR products_fts.title IS DISTINCT FROM excluded.title
         OR products_fts.description IS DISTINCT FROM excluded.description;
  END $$`)
  await run(`CREATE FUNCTION products_fts_product() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    PERFORM products_fts_refresh(NEW.id);
    RETURN NULL;
  END $$`)
  await run(`CREATE TRIGGER products_fts AFTER INSERT OR UPDATE OF title, description_text, category_id, status
    ON products FOR EACH ROW EXECUTE FUNCTION products_fts_product()`)
  await run(`CREATE FUNCTION products_fts_variant() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM products_fts_refresh(NEW.product_id); END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.product_id <> NEW.product_id) THEN
      PERFORM products_fts_refresh(OLD.product_id);
    END IF;
    RETURN NULL;
  END $$`)
  await run(`CREATE TRIGGER products_fts_variant AFTER INSERT OR DELETE OR UPDATE OF sku, product_id
    ON variants FOR EACH ROW EXECUTE FUNCTION products_fts_variant()`)
  await run(`CREATE FUNCTION products_fts_category() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name THEN
      PERFORM products_fts_refresh(id) FROM products WHERE category_id = NEW.id;
    END IF;
    RETURN NULL;
  END $$`)
  await run(`CREATE TRIGGER products_fts_category AFTER UPDATE OF name ON categories
    FOR EACH ROW EXECUTE FUNCTION products_fts_category()`)
  await run(`SELECT products_fts_refresh(id) FROM products`)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  const run = (text: string) => sql.raw(text).execute(db)
  await run(`DROP TRIGGER IF EXISTS products_fts ON products`)
  await run(`DROP TRIGGER IF EXISTS products_fts_variant ON variants`)
  await run(`DROP TRIGGER IF EXISTS products_fts_category ON categories`)
  await run(`DROP TABLE IF EXISTS products_fts_vocab, products_admin_fts, products_fts`)
  for (const fn of [
    'products_fts_product()',
    'products_fts_variant()',
    'products_fts_category()',
    'products_fts_refresh(integer)',
    'products_fts_vocab_follow()',
    'products_fts_vocab_count(text[], integer)',
  ]) {
    await run(`DROP FUNCTION IF EXISTS ${fn}`)
  }
  await run(`DROP TEXT SEARCH CONFIGURATION IF EXISTS shop`)
  await run(`DROP TEXT SEARCH DICTIONARY IF EXISTS shop_stem`)
}

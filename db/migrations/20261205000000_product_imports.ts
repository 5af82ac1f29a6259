import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Product CSV imports: the job's claim and progress and the dry-run report
 * staff look at before applying; and the uploaded file, kept in the
 * database so any app process or the worker can check and apply it. The
 * file has a table of its own: progress is written every few hundred rows,
 * and a row holding megabytes of text would be rewritten whole each time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema
    .createTable('product_imports')
    .addColumn('id', 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('file_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('file_size', 'integer', (c) => c.notNull())
    // checking → checked → applying → applied; failed when the job gave up.
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_checked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON: the dry run's counts, the first changes of each kind and the first errors.
    .addColumn('report', 'text')
    // SHA-256 of the whole plan the report shows: applying recomputes it and refuses a different one.
    .addColumn('plan_hash', 'varchar(64)')
    // What staff are told about the last step: why applying was refused, why the job gave up.
    .addColumn('notice', 'text')
    // A process working on the import holds it until locked_until; past it, another may take it over.
    .addColumn('claimed_by', 'varchar(40)')
    .addColumn('locked_until', 'varchar(30)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('applied_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('checked_at', 'varchar(30)')
    .addColumn('applied_at', 'varchar(30)')
    .execute()
  // The job looks for imports to check or apply whose claim has run out.
  await db.schema
    .createIndex('product_imports_work_idx')
    .on('product_imports')
    .columns(['status', 'locked_until'])
    .execute()
  await db.schema
    .createTable('product_import_files')
    .addColumn('import_id', 'integer', (c) => c.primaryKey().references('product_imports.id').onDelete('cascade'))
    // The file's text (UTF-8, without its byte-order mark); deleted once applied, the report stays.
    .addColumn('csv', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('product_import_files').execute()
  await db.schema.dropTable('product_imports').execute()
}

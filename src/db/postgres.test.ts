import { NO_MIGRATIONS, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../testing/postgres-server.js'
import { POSTGRES_TABLES } from '../testing/schema-tables.js'
import { checkConnection, createDb, DatabaseUnreachableError, type Db } from './connection.js'
import { startsWith } from './dialect/prefix-search.js'
import { createMigrator, migrateToLatest } from './migrator.js'

async function tables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db)
  return rows.map((r) => r.name)
}

describe('migrations on PostgreSQL', () => {
  let database: TestDatabase
  let db: Db
  beforeAll(async () => {
    database = await createTestDatabase('migrations')
    db = createDb(database.url)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  it('run up to the latest, down to nothing and up again', async () => {
    const first = await migrateToLatest(db)
    expect(first.results?.every((r) => r.status === 'Success')).toBe(true)
    expect(await tables(db)).toEqual(POSTGRES_TABLES)
    expect((await migrateToLatest(db)).results).toEqual([])
    const down = await createMigrator(db).migrateTo(NO_MIGRATIONS)
    expect(down.error).toBeUndefined()
    expect(await tables(db)).toEqual([])
    await migrateToLatest(db)
    expect(await tables(db)).toEqual(POSTGRES_TABLES)
  })
})

describe('several processes migrating one PostgreSQL database at once', () => {
  it('migrate it exactly once', async () => {
    const database = await createTestDatabase('migrate-race')
    const processes = Array.from({ length: 4 }, () => createDb(database.url, { size: 2, statementTimeoutMs: 30_000 }))
    try {
      const results = await Promise.all(processes.map((db) => migrateToLatest(db)))
      const ran = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success')
      const names = (await createMigrator(processes[0] as Db).getMigrations()).map((m) => m.name)
      // Each migration ran in one process only; the others found it done.
      expect(ran.map((r) => r.migrationName).sort()).toEqual([...names].sort())
      const recorded = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(processes[1] as Db)
      expect(recorded.rows[0]?.n).toBe(names.length)
    } finally {
      await Promise.all(processes.map((db) => db.destroy()))
      await database.drop()
    }
  })
})

describe('PostgreSQL keeps the rules SQLite keeps with triggers', () => {
  let database: TestDatabase
  let db: Db
  const now = '2026-12-07T12:00:00.000Z'
  beforeAll(async () => {
    database = await createTestDatabase('triggers')
    db = createDb(database.url)
    await migrateToLatest(db)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  const version = async () =>
    Number(
      (await db.selectFrom('change_counters').select('version').where('name', '=', 'catalogue').executeTakeFirst())
        ?.version,
    )

  it("keeps each product's price range, stock state and option values' category from its variants", async () => {
    const before = await version()
    const category = await db
      .insertInto('categories')
      .values({ name: 'Mugs', slug: 'mugs', parent_id: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    const other = await db
      .insertInto('categories')
      .values({ name: 'Cups', slug: 'cups', parent_id: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    const product = await db
      .insertInto('products')
      .values({
        slug: 'mug',
        title: 'Mug',
        status: 'active',
        category_id: category.id,
        seo_title: null,
        seo_description: null,
        published_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const variants = await db
      .insertInto('variants')
      .values([
        { product_id: product.id, sku: 'MUG-S', price: 1800, stock: 0, created_at: now, updated_at: now },
        { product_id: product.id, sku: 'MUG-L', price: 2400, stock: 0, created_at: now, updated_at: now },
      ])
      .returning('id')
      .execute()
    await db
      .insertInto('variant_option_values')
      .values(
        variants.map((v, i) => ({
          variant_id: v.id,
          product_id: product.id,
          name: 'Size',
          value: i ? 'Large' : 'Small',
        })),
      )
      .execute()
    const summary = () =>
      db
        .selectFrom('products')
        .select(['price_min', 'price_max', 'in_stock'])
        .where('id', '=', product.id)
        .executeTakeFirstOrThrow()
    expect(await summary()).toEqual({ price_min: 1800, price_max: 2400, in_stock: 0 })
    await db.updateTable('variants').set({ stock: 3 }).where('sku', '=', 'MUG-L').execute()
    expect(await summary()).toEqual({ price_min: 1800, price_max: 2400, in_stock: 1 })
    await db.deleteFrom('variants').where('sku', '=', 'MUG-S').execute()
    expect(await summary()).toEqual({ price_min: 2400, price_max: 2400, in_stock: 1 })

    const categories = () => db.selectFrom('variant_option_values').select('category_id').distinct().execute()
    expect(await categories()).toEqual([{ category_id: category.id }])
    await db.updateTable('products').set({ category_id: other.id }).where('id', '=', product.id).execute()
    expect(await categories()).toEqual([{ category_id: other.id }])
    // Every catalogue statement moved the counter, once each.
    expect(await version()).toBeGreaterThanOrEqual(before + 7)
  })

  it('keeps amounts of money past 2^31 minor units, as SQLite does, and sums them as numbers', async () => {
    // £30,000,000.00: past PostgreSQL's integer, which money columns were before the money migration.
    await db.updateTable('variants').set({ price: 3_000_000_000 }).where('sku', '=', 'MUG-L').execute()
    const product = await db
      .selectFrom('products')
      .select('price_max')
      .where('slug', '=', 'mug')
      .executeTakeFirstOrThrow()
    expect(product.price_max).toBe(3_000_000_000)
    await db
      .insertInto('sales_daily')
      .values([
        { day: '2026-12-01', orders: 1, sales: 3_000_000_000 },
        { day: '2026-12-02', orders: 1, sales: 2_500_000_000 },
      ])
      .execute()
    const total = await db
      .selectFrom('sales_daily')
      .select((eb) => eb.fn.sum<number>('sales').as('sales'))
      .executeTakeFirstOrThrow()
    expect(total.sales).toBe(5_500_000_000)
  })

  it('moves no counter for a change outside the catalogue', async () => {
    const before = await version()
    await db.insertInto('rate_limit_hits').values({ bucket: 'test', key: 'k', at: now }).execute()
    expect(await version()).toBe(before)
  })
})

describe('prefix search on PostgreSQL', () => {
  it('finds customers and orders by the start of an email or a name through an index, never by reading every row', async () => {
    const database = await createTestDatabase('prefix')
    const db = createDb(database.url)
    try {
      await migrateToLatest(db)
      const plans: string[] = []
      await db.transaction().execute(async (trx) => {
        // With sequential scans priced out, a plan that still has one had no index it could use.
        await sql`SET LOCAL enable_seqscan = off`.execute(trx)
        const searches = [
          { table: 'users', q: 'ab', columns: { email: 'email' } },
          { table: 'users', q: 'Ab', columns: { email: 'email', name: 'name' } },
          { table: 'orders', q: 'ab@', columns: { email: 'email' } },
          { table: 'orders', q: 'ab', columns: { email: 'email', name: 'name' } },
        ] as const
        for (const { table, q, columns } of searches) {
          const rows = await trx
            .selectFrom(table)
            .select('id')
            .where(startsWith(trx, q, columns))
            .explain()
          plans.push(rows.map((row) => String(Object.values(row)[0])).join('\n'))
        }
      })
      for (const plan of plans) {
        expect(plan).not.toMatch(/Seq Scan/)
        expect(plan).toMatch(/Index/)
      }
    } finally {
      await db.destroy()
      await database.drop()
    }
  })
})

describe('a PostgreSQL connection', () => {
  it('lets one writing transaction at a time through, like SQLite, while reads go on', async () => {
    const database = await createTestDatabase('write-lock')
    const a = createDb(database.url)
    const b = createDb(database.url)
    try {
      await migrateToLatest(a)
      const order: string[] = []
      let release = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let started = () => {}
      const first = new Promise<void>((resolve) => {
        started = resolve
      })
      const one = a.transaction().execute(async () => {
        order.push('one begins')
        started()
        await held
        order.push('one ends')
      })
      await first
      const two = b.transaction().execute(async () => {
        order.push('two begins')
      })
      // A read outside a transaction does not wait for the writer.
      await sql`select 1`.execute(b)
      order.push('read')
      await new Promise((resolve) => setTimeout(resolve, 200))
      release()
      await Promise.all([one, two])
      expect(order).toEqual(['one begins', 'read', 'one ends', 'two begins'])
    } finally {
      await a.destroy()
      await b.destroy()
      await database.drop()
    }
  })

  it('says which variable to fix, never the password, when the server cannot be reached', async () => {
    const url = 'postgres://shop:s3cret@127.0.0.1:1/shop'
    const db = createDb(url)
    try {
      const error = await checkConnection(db, url).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DatabaseUnreachableError)
      expect((error as Error).message).toBe(
        'DATABASE_URL: cannot use the database postgres://shop@127.0.0.1:1/shop: nothing answers at that address',
      )
    } finally {
      await db.destroy()
    }
  })

  it('names a database that does not exist', async () => {
    const database = await createTestDatabase('exists')
    const missing = database.url.replace(/\/[^/?]+(\?|$)/, '/shopfront_no_such_database$1')
    await database.drop()
    const db = createDb(missing)
    try {
      await expect(checkConnection(db, missing)).rejects.toThrow(/: the database does not exist$/)
    } finally {
      await db.destroy()
    }
  })
})

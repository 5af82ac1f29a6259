/**
 * The bench's databases, on SQLite (a file per catalogue size in
 * bench/.data/) or on a PostgreSQL server (`--database postgres://…`: a
 * database per size, `shopfront_bench_<size>[_<orders>]`, created on that
 * server and kept for the next run, as the files are). Everything the bench
 * reads or writes goes through Kysely, so it is the same on both.
 */
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { parseDatabaseUrl } from '../src/config.js'
import { createDb, describeDatabase, isPostgresUrl } from '../src/db/connection.js'

export interface Catalogue {
  products: number
  orders: number
  /** Random order numbers, for the order-page burst. */
  orderNumbers: number[]
  /** The start of a customer's email address that several orders share, for the order search. */
  orderSearch: string | null
  slugs: string[]
  /** The product page measured for size: the first active product by id, the same every run. */
  sampleSlug: string | null
  searchWord: string | null
}

/** `--database`: `sqlite` or a postgres:// URL of the server to keep the bench's databases on. */
export function isDatabaseOption(value: string): boolean {
  return value === 'sqlite' || isPostgresUrl(value)
}

/**
 * The DATABASE_URL of the bench's database for a catalogue size and order
 * count; on PostgreSQL the database is created when missing.
 */
export async function benchDatabaseUrl(option: string, dataDir: string, size: number, orders: number): Promise<string> {
  const suffix = orders ? `${size}-${orders}` : String(size)
  if (!isPostgresUrl(option)) return `sqlite:${join(dataDir, `shop-${suffix}.sqlite`)}`
  const database = `shopfront_bench_${suffix.replace('-', '_')}`
  const client = new pg.Client({ connectionString: option })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database])
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`)
  } finally {
    await client.end()
  }
  const url = new URL(option)
  url.pathname = `/${database}`
  return url.toString()
}

/** How a database is named in the bench's output: a path, or the URL without its password. */
export function databaseLabel(url: string): string {
  return describeDatabase(parseDatabaseUrl(url))
}

/** What the bench needs from the catalogue; all zero for a database that has no tables yet. */
export async function readCatalogue(url: string, sample: number): Promise<Catalogue> {
  const db = createDb(parseDatabaseUrl(url))
  try {
    const tables = await db.introspection.getTables()
    if (!tables.some((t) => t.name === 'products'))
      return {
        products: 0,
        orders: 0,
        orderNumbers: [],
        orderSearch: null,
        slugs: [],
        sampleSlug: null,
        searchWord: null,
      }
    const count = async (table: 'products' | 'orders') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const products = await count('products')
    const orders = await count('orders')
    const slugs = (
      await db
        .selectFrom('products')
        .select('slug')
        .where('status', '=', 'active')
        .orderBy(sql`random()`)
        .limit(sample)
        .execute()
    ).map((row) => row.slug)
    const first = await db
      .selectFrom('products')
      .select(['slug', 'title'])
      .where('status', '=', 'active')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst()
    // Ids picked here rather than by the database: random() means other things on the two.
    const ids = orders
      ? Array.from({ length: Math.min(sample, orders) }, () => 1 + Math.floor(Math.random() * orders))
      : []
    const orderNumbers = ids.length
      ? (await db.selectFrom('orders').select('number').where('id', 'in', ids).execute()).map((row) => row.number)
      : []
    const someone = orders
      ? await db
          .selectFrom('orders')
          .select('email')
          .where('id', '=', Math.ceil(orders / 2))
          .executeTakeFirst()
      : undefined
    return {
      products,
      orders,
      orderNumbers,
      orderSearch: someone ? (someone.email.split('@')[0] ?? null) : null,
      slugs,
      sampleSlug: first?.slug ?? null,
      searchWord: first ? searchWordOf(first.title) : null,
    }
  } finally {
    await db.destroy()
  }
}

/** The first word of four letters or more in a real title (or its first word), lower-cased. */
function searchWordOf(title: string): string | null {
  const words = title.match(/[\p{L}\p{N}]+/gu) ?? []
  const word = words.find((w) => w.length >= 4 && /\p{L}/u.test(w)) ?? words[0]
  return word ? word.toLowerCase() : null
}

/** Adds a staff account with two-factor sign-in (the bench then signs in through the real forms). */
export async function addStaff(
  url: string,
  staff: { email: string; passwordHash: string; totpSecret: string },
): Promise<void> {
  const db = createDb(parseDatabaseUrl(url))
  const now = new Date().toISOString()
  try {
    await db
      .insertInto('users')
      .values({
        email: staff.email,
        name: 'Bench Staff',
        password_hash: staff.passwordHash,
        role: 'staff',
        email_verified_at: now,
        totp_secret: staff.totpSecret,
        totp_enabled_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute()
  } finally {
    await db.destroy()
  }
}

import { sql } from 'kysely'
import { afterExplicitIds, isoFromEpochSeconds, randomHex } from '../../db/dialect/index.js'
import type { Seeder } from './seeder.js'

/** Orders made per transaction: large enough to be quick, small enough to show progress. */
const BATCH = 50_000
/** Seeded orders are spread over this many days before now, oldest first. */
const SPREAD_DAYS = 365

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Niklaus',
  'Radia',
  'Tim',
  'Katherine',
  'John',
  'Hedy',
  'Dennis',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Wirth',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'Backus',
  'Lamarr',
  'Ritchie',
  'Shannon',
]

/**
 * Orders for measuring the back office at scale (`db:seed -- --orders
 * 1000000`). They are made in SQL, a batch per statement, from the
 * catalogue's variants: one line each, priced, taxed and totalled by the
 * shop's rules for a UK order with prices including 20 % tax and £3.95
 * delivery, so every figure adds up. Older orders are paid and sent; the
 * newest wait for payment or to be sent; about 1 in 97 is cancelled. The
 * daily sales summary follows through its triggers.
 */
export const ordersSeeder: Seeder = {
  name: 'orders',
  options: {
    orders: { description: 'how many orders to seed (for the back-office bench)', default: 0, max: 5_000_000 },
  },
  async run(db, { sizes, progress }) {
    const wanted = sizes.orders ?? 0
    const existing = Number(
      (
        await db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
    if (wanted <= existing) return
    const variants = Number(
      (
        await db
          .selectFrom('variants')
          .innerJoin('products', 'products.id', 'variants.product_id')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('products.status', '=', 'active')
          .executeTakeFirstOrThrow()
      ).n,
    )
    if (variants === 0) throw new Error('seed some products before orders: orders are made of the catalogue’s variants')
    const bar = progress('orders', wanted - existing)
    // One connection throughout: the temporary table belongs to one session on PostgreSQL.
    await db.connection().execute(async (conn) => {
      await sql`CREATE TEMP TABLE IF NOT EXISTS seed_variants (k INTEGER PRIMARY KEY, id INTEGER, product_id INTEGER, sku TEXT, title TEXT, price BIGINT)`.execute(
        conn,
      )
      await sql`DELETE FROM seed_variants`.execute(conn)
      await sql`INSERT INTO seed_variants (k, id, product_id, sku, title, price)
      SELECT row_number() OVER (ORDER BY v.id) - 1, v.id, v.product_id, v.sku, p.title, v.price
      FROM variants v JOIN products p ON p.id = v.product_id WHERE p.status = 'active'`.execute(conn)
      const first = sql.raw(FIRST.map((name, i) => `(${i}, '${name}')`).join(', '))
      const last = sql.raw(LAST.map((name, i) => `(${i}, '${name}')`).join(', '))
      const now = Math.floor(Date.now() / 1000)
      const start = now - SPREAD_DAYS * 86_400
      const step = (SPREAD_DAYS * 86_400) / (wanted - existing)
      const highest = await conn
        .selectFrom('orders')
        .select((eb) => [
          eb.fn.coalesce(eb.fn.max('number'), eb.lit(1000)).as('number'),
          eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('id'),
        ])
        .executeTakeFirstOrThrow()
      const base = Number(highest.number)
      const baseId = Number(highest.id)
      const total = wanted - existing
      for (let from = 0; from < total; from += BATCH) {
        const count = Math.min(BATCH, total - from)
        await conn.transaction().execute(async (trx) => {
          // Invoice numbers run on without gaps, in the order the seeded orders were paid.
          const lastInvoice = Number(
            (
              await trx
                .selectFrom('orders')
                .select((eb) => eb.fn.coalesce(eb.fn.max('invoice_number'), eb.lit(0)).as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          )
          // i runs over the whole seeding, so ids, numbers and dates keep rising batch after batch.
          await sql`WITH RECURSIVE seq(i) AS (SELECT CAST(${from} AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ${from + count - 1}),
          firsts(k, name) AS (VALUES ${first}), lasts(k, name) AS (VALUES ${last}),
          picked AS (
            SELECT seq.i, sv.price * (1 + seq.i % 2) AS goods, f.name || ' ' || l.name AS name,
              lower(f.name) || '.' || lower(replace(l.name, '-', '')) || (seq.i % 997) || '@example.com' AS email,
              ${isoFromEpochSeconds(trx, sql<number>`${start} + seq.i * CAST(${step} AS DOUBLE PRECISION)`)} AS placed_at,
              seq.i >= ${total - 300} OR seq.i % 23 = 0 OR seq.i % 97 = 0 AS unpaid, seq.i % 97 = 0 AS cancelled
            FROM seq
            JOIN seed_variants sv ON sv.k = (CAST(seq.i AS BIGINT) * 7919) % ${variants}
            JOIN firsts f ON f.k = seq.i % ${FIRST.length}
            JOIN lasts l ON l.k = (seq.i / ${FIRST.length}) % ${LAST.length}
          )
          INSERT INTO orders (id, number, access_token, checkout_token, user_id, email, name, phone, address_line1, address_line2,
            city, postcode, country, shipping_method, payment_method, payment_status, fulfilment_status, currency,
            prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total, discount_code, placed_at,
            cancelled_at, paid_at, invoice_number, updated_at)
          SELECT ${baseId + 1} + i, ${base + 1} + i, ${randomHex(trx)}, 'seed-' || (${baseId + 1} + i), NULL, email, name, '',
            (1 + i % 120) || ' Orchard Row', '', 'Bristol', 'BS1 4DJ', 'GB', 'Royal Mail Tracked 48',
            CASE WHEN i % 3 = 0 THEN 'stripe' ELSE 'bank_transfer' END,
            CASE WHEN unpaid THEN 'pending' ELSE 'paid' END,
            CASE WHEN unpaid THEN 'unfulfilled' ELSE 'fulfilled' END,
            -- Tax is worked out per line and for delivery, each rounded, then added up: 20 % included is 1/6.
            'GBP', 1, goods, 0, 395, CAST((goods + 3) / 6 AS INTEGER) + (395 + 3) / 6, goods + 395, NULL, placed_at,
            CASE WHEN cancelled THEN placed_at END,
            CASE WHEN unpaid THEN NULL ELSE placed_at END,
            CASE WHEN unpaid THEN NULL ELSE ${lastInvoice} + sum(CASE WHEN unpaid THEN 0 ELSE 1 END) OVER (ORDER BY i) END,
            placed_at
          FROM picked`.execute(trx)
          await sql`INSERT INTO order_lines (order_id, variant_id, product_id, sku, title, options, unit_price, quantity, tax_rate,
            subtotal, discount, tax, total)
          SELECT o.id, sv.id, sv.product_id, sv.sku, sv.title, '{}', sv.price, 1 + (o.id - ${baseId + 1}) % 2, 2000,
            o.subtotal, 0, CAST((o.subtotal + 3) / 6 AS INTEGER), o.subtotal
          FROM orders o JOIN seed_variants sv ON sv.k = (CAST(o.id - ${baseId + 1} AS BIGINT) * 7919) % ${variants}
          WHERE o.id BETWEEN ${baseId + 1 + from} AND ${baseId + from + count}`.execute(trx)
          await sql`INSERT INTO order_events (order_id, at, kind, message)
          SELECT id, placed_at, 'placed', 'Placed by ' || email || ' (guest), seeded for the bench.' FROM orders
          WHERE id BETWEEN ${baseId + 1 + from} AND ${baseId + from + count}`.execute(trx)
          await afterExplicitIds(trx, ['orders'])
        })
        bar.tick(count)
      }
    })
    bar.done()
  },
}

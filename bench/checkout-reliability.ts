/**
 * `npm run reliability [-- --database postgres://…]`: the checkout and the
 * outbox under pressure, against the real production build, on a fresh
 * database: a SQLite file of its own (the default), or a database the script
 * creates on the PostgreSQL server of the URL, and drops at the end (the
 * database the URL names is never touched; its role must be allowed to
 * create databases). `--database postgres` uses the tests' server, as
 * `npm test` does (`npm run test:reliability`).
 *
 * 1. Concurrency: 200 shoppers, each with a full cart and checkout in their
 *    own session, place their orders at the same moment, half on each of two
 *    server processes, for a product with 50 in stock → exactly 50 orders,
 *    150 "sold out" answers, stock 0, no 5xx, no lock errors.
 * 2. Crash: 100 more shoppers place orders while one server is killed with
 *    SIGKILL mid-flight; after a restart every order that got a success
 *    answer is there, the database is consistent (SQLite: integrity_check;
 *    both: every order has its lines), and stock plus units sold equals the
 *    stock at the start.
 * 3. Mail: 1,000 emails in the outbox, handed to three `npm run worker`
 *    processes started at once, and a real SMTP server counting what
 *    arrives: each email is delivered exactly once, and so is every order
 *    confirmation of 1 and 2.
 *
 * Prints what it saw and exits non-zero when anything is off.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { createDb, type Db, describeDatabase, isPostgresUrl } from '../src/db/connection.js'
import { createScratchDatabase, postgresServerUrl, stopPostgresServer } from '../src/testing/postgres-server.js'
import { startSmtpServer } from '../src/testing/smtp.js'
import { stop, stopAll, track, tracked } from './processes.js'
import { freePort, productionEnv, startServer as startProductionServer } from './production-server.js'

const EMAILS = 1_000
const WORKERS = 3
/** How long a stopped server or worker has to exit before it is killed. */
const STOP_GRACE_MS = 10_000

const dir = mkdtempSync(join(tmpdir(), 'shopfront-reliability-'))
const secret = randomBytes(32).toString('hex')
/** The demo pictures go to the temporary folder, never the project's db/media. */
const extra = { MEDIA_DIR: join(dir, 'media') }
const failures: string[] = []
/** `--prebuilt`: dist/ is fresh already (npm test has just built it for the end-to-end tests). */
let prebuilt = false
/** Undone in the reverse order they were pushed. */
const cleanups: (() => Promise<unknown>)[] = []

function check(ok: boolean, what: string) {
  console.log(`${ok ? '✓' : '✗'} ${what}`)
  if (!ok) failures.push(what)
}

/**
 * `--database`: `sqlite` (the default), a postgres:// URL, or `postgres`: the
 * tests' server (TEST_POSTGRES_URL or 127.0.0.1:5432 when it answers, else an
 * embedded one started for the run, as `npm test` does). Anything else stops
 * with a usage line.
 */
async function databaseOption(): Promise<string> {
  const usage = 'Usage: npm run reliability [-- --database sqlite|postgres|postgres://user@host:5432/db] [--prebuilt]'
  try {
    const { values } = parseArgs({
      options: { database: { type: 'string', default: 'sqlite' }, prebuilt: { type: 'boolean', default: false } },
    })
    prebuilt = values.prebuilt === true
    const database = values.database as string
    if (database === 'postgres') {
      cleanups.push(() => stopPostgresServer())
      return await postgresServerUrl()
    }
    if (database === 'sqlite' || isPostgresUrl(database)) return database
    console.error(
      `--database must be sqlite, postgres or a postgres:// URL, not ${JSON.stringify(database)}.\n${usage}`,
    )
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`)
  }
  process.exit(2)
}

/** A one-off database: a file in the temporary folder, or a scratch database on the PostgreSQL server. */
async function freshDatabase(option: string): Promise<string> {
  if (option === 'sqlite') return join(dir, 'shop.sqlite')
  const scratch = await createScratchDatabase(option, 'shopfront_reliability')
  cleanups.push(() => scratch.drop())
  return scratch.url
}

async function startServer(database: string, port: number): Promise<ChildProcess> {
  const child = await startProductionServer(productionEnv({ port, database, secret, extra }), {
    onOutput: (chunk) => {
      if (/SQLITE_BUSY|database is locked|deadlock detected|could not serialize/.test(chunk))
        failures.push(`server log: ${chunk.trim()}`)
    },
  })
  return track(child)
}

/** One shopper: a session, one of the product in the cart, and a checkout up to the review page's token. */
async function prepareShopper(origin: string, variantId: number, n: number) {
  let cookie = ''
  const send = async (path: string, body?: Record<string, string>) => {
    const response = await fetch(origin + path, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded', origin } : {}),
      },
      body: body ? new URLSearchParams(body).toString() : undefined,
    })
    const set = response.headers.get('set-cookie')
    if (set) cookie = set.split(';', 1)[0] ?? cookie
    return response
  }
  const added = await send('/cart/items', { variant_id: String(variantId), quantity: '1' })
  if (added.status !== 303) throw new Error(`add to cart answered ${added.status}`)
  const token = /name="_csrf" value="([^"]+)"/.exec(await (await send('/contact')).text())?.[1] ?? ''
  const form = { _csrf: token }
  await send('/checkout', {
    ...form,
    email: `shopper${n}@example.com`,
    name: `Shopper ${n}`,
    country: 'GB',
    line1: '1 Marsh Lane',
    city: 'Bristol',
    postcode: 'BS1 4DJ',
  })
  await send('/checkout/delivery', { ...form, method: 'uk-standard' })
  await send('/checkout/payment', { ...form, payment: 'bank_transfer' })
  const review = await (await send('/checkout/review')).text()
  const orderToken = /name="token" value="([^"]+)"/.exec(review)?.[1]
  if (!orderToken) throw new Error('no order token on the review page')
  return { place: () => send('/checkout/orders', { ...form, token: orderToken }), cookie }
}

async function shoppers(origins: string[], variantId: number, count: number, from: number) {
  const list = []
  for (let i = 0; i < count; i++)
    list.push(await prepareShopper(origins[i % origins.length] as string, variantId, from + i))
  return list
}

/** Reads of the shop's database, the same on both kinds. */
function facts(db: Db, variantId: number) {
  return {
    setStock: (n: number) =>
      db.updateTable('variants').set({ stock: n, allow_backorder: 0 }).where('id', '=', variantId).execute(),
    stock: async () =>
      (await db.selectFrom('variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock,
    lastOrderId: async () =>
      Number(
        (
          await db
            .selectFrom('orders')
            .select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('id'))
            .executeTakeFirstOrThrow()
        ).id,
      ),
    soldSince: async (orderId: number) =>
      Number(
        (
          await db
            .selectFrom('order_lines as l')
            .innerJoin('orders as o', 'o.id', 'l.order_id')
            .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('l.quantity'), eb.lit(0)).as('n'))
            .where('l.variant_id', '=', variantId)
            .where('o.id', '>', orderId)
            .where('o.cancelled_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ordersFound: async (tokens: string[]) =>
      tokens.length === 0
        ? 0
        : (await db.selectFrom('orders').select('id').where('access_token', 'in', tokens).execute()).length,
    ordersWithoutLines: async () =>
      (
        await db
          .selectFrom('orders as o')
          .select('o.id')
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('order_lines as l').select('l.id').whereRef('l.order_id', '=', 'o.id'))),
          )
          .execute()
      ).length,
  }
}

async function placeAtOnce(origins: string[], db: Db, variantId: number) {
  const { setStock, stock } = facts(db, variantId)
  await setStock(50)
  console.log('\n1. 200 shoppers place their orders at once, half on each server; 50 in stock.')
  const crowd = await shoppers(origins, variantId, 200, 0)
  const answers = await Promise.all(crowd.map((s) => s.place()))
  const placed = answers.filter((r) => r.status === 303 && r.headers.get('location')?.startsWith('/orders/'))
  const soldOut = answers.filter((r) => r.status === 303 && r.headers.get('location') === '/cart')
  const serverErrors = answers.filter((r) => r.status >= 500)
  console.log(
    `   ${placed.length} orders, ${soldOut.length} sent back to the cart, ${serverErrors.length} server errors`,
  )
  check(placed.length === 50, 'exactly 50 orders')
  check(soldOut.length === 150, '150 shoppers told it sold out')
  check(serverErrors.length === 0, 'no 5xx answer')
  check((await stock()) === 0, 'stock is 0')
  const told = await fetch(`${origins[0]}/cart`, {
    headers: { cookie: crowd[answers.indexOf(soldOut[0] as Response)]?.cookie ?? '' },
  })
  check(/sold out|Only \d+/.test(await told.text()), 'the cart page tells a sold-out shopper what happened')
}

async function placeThroughACrash(
  origins: string[],
  db: Db,
  variantId: number,
  kill: () => void,
  restart: () => Promise<void>,
  sqlite: boolean,
) {
  const f = facts(db, variantId)
  console.log('\n2. 100 more shoppers place orders while server A is killed with SIGKILL.')
  const lastOrder = await f.lastOrderId()
  await f.setStock(100)
  const late = await shoppers(origins, variantId, 100, 1000)
  const inFlight = late.map((s) =>
    s.place().then(
      (r) => ({
        ok: r.status === 303 && r.headers.get('location')?.startsWith('/orders/'),
        location: r.headers.get('location'),
      }),
      () => ({ ok: false, location: null }),
    ),
  )
  await new Promise((resolve) => setTimeout(resolve, 40))
  kill()
  const results = await Promise.all(inFlight)
  const succeeded = results.filter((r) => r.ok)
  console.log(`   ${succeeded.length} success answers, ${results.length - succeeded.length} failed or cut off`)
  await restart()
  const tokens = succeeded.map((r) => (r.location as string).slice('/orders/'.length))
  const found = await f.ordersFound(tokens)
  check(found === tokens.length, `every order that got a success answer is there (${found}/${tokens.length})`)
  if (sqlite) {
    const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)
    check(rows[0]?.integrity_check === 'ok', `integrity_check: ${rows[0]?.integrity_check}`)
  }
  const bare = await f.ordersWithoutLines()
  check(bare === 0, `every order has its lines (${bare} without)`)
  const [stock, sold] = [await f.stock(), await f.soldSince(lastOrder)]
  check(stock + sold === 100, `stock ${stock} + sold ${sold} = 100`)
}

async function deliverOnce(database: string, db: Db) {
  console.log(
    `\n3. ${EMAILS.toLocaleString('en')} emails in the outbox, delivered by ${WORKERS} worker processes at once.`,
  )
  const smtp = await startSmtpServer()
  cleanups.push(() => smtp.close())
  const now = new Date().toISOString()
  for (let from = 0; from < EMAILS; from += 100) {
    const rows = Array.from({ length: Math.min(100, EMAILS - from) }, (_, i) => ({
      template: 'reliability',
      to_address: `reader${from + i}@example.com`,
      reply_to: null,
      subject: `Reliability ${from + i}`,
      html: `<p>Email ${from + i}</p>`,
      text: `Email ${from + i}`,
      status: 'pending' as const,
      next_attempt_at: now,
      created_at: now,
    }))
    await db.insertInto('outbox_emails').values(rows).execute()
  }
  const pending = async () =>
    Number(
      (
        await db
          .selectFrom('outbox_emails')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '!=', 'sent')
          .executeTakeFirstOrThrow()
      ).n,
    )
  const outbox = await pending()
  const started = performance.now()
  const env = { ...productionEnv({ port: 0, database, secret, extra }), SMTP_URL: smtp.url }
  const workers = Array.from({ length: WORKERS }, () =>
    track(spawn(process.execPath, ['dist/src/cli/worker.js'], { env, stdio: ['ignore', 'ignore', 'pipe'] })),
  )
  const deadline = Date.now() + 180_000
  let left = await pending()
  while (left > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    left = await pending()
  }
  const seconds = (performance.now() - started) / 1000
  await Promise.all(workers.map((w) => stop(w, STOP_GRACE_MS)))
  // Each outbox row is sent with its own Message-ID, <outbox-ID@host>: a second delivery of a row repeats it.
  const ids = smtp.received.map((mail) => /^Message-ID:\s*<outbox-(\d+)@/im.exec(mail.raw)?.[1] ?? '?')
  const perRow = new Map<string, number>()
  for (const id of ids) perRow.set(id, (perRow.get(id) ?? 0) + 1)
  const twice = [...perRow].filter(([, n]) => n > 1)
  const readers = new Set(smtp.received.flatMap((mail) => mail.to.filter((to) => to.startsWith('reader'))))
  console.log(
    `   ${smtp.received.length} messages received for ${outbox} outbox rows waiting in ${seconds.toFixed(1)} s, ${left} not sent`,
  )
  check(left === 0, 'every outbox email is marked sent')
  check(readers.size === EMAILS, `each of the ${EMAILS} emails arrived (${readers.size})`)
  check(twice.length === 0, `none arrived twice (${twice.length} outbox rows delivered more than once)`)
  check(
    smtp.received.length === outbox && perRow.size === outbox,
    'every waiting outbox row, order confirmations included, was delivered exactly once',
  )
}

async function main() {
  const option = await databaseOption()
  const database = await freshDatabase(option)
  console.log(`Building and seeding the demo shop on ${describeDatabase(database)}…`)
  if (!prebuilt) execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
  execFileSync(process.execPath, ['dist/src/cli/seed.js'], {
    env: productionEnv({ port: 0, database, secret, extra }),
    stdio: 'ignore',
  })
  const db = createDb(database)
  cleanups.push(() => db.destroy())
  const variant = await db
    .selectFrom('variants')
    .select('id')
    .where('track_stock', '=', 1)
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow()

  const ports = [await freePort(), await freePort()] as [number, number]
  const origins = ports.map((p) => `http://127.0.0.1:${p}`)
  let a = await startServer(database, ports[0])
  await startServer(database, ports[1])

  await placeAtOnce(origins, db, variant.id)
  await placeThroughACrash(
    origins,
    db,
    variant.id,
    () => a.kill('SIGKILL'),
    async () => {
      a = await startServer(database, ports[0])
    },
    option === 'sqlite',
  )
  for (const server of tracked()) await stop(server, STOP_GRACE_MS)
  await deliverOnce(database, db)
}

main()
  .catch((err) => {
    failures.push(String(err?.message ?? err))
    console.error(err)
  })
  .finally(async () => {
    await stopAll(STOP_GRACE_MS)
    // Last made, first undone: the pool before its database, the database before its server.
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`cleanup: ${err.message}`))
    rmSync(dir, { recursive: true, force: true })
    console.log(failures.length ? `\n${failures.length} check(s) failed.` : '\nAll checks passed.')
    process.exit(failures.length ? 1 : 0)
  })

/**
 * `npm run reliability`: the checkout under pressure, against the real
 * production build. Two server processes share one SQLite file.
 *
 * 1. Concurrency: 200 shoppers, each with a full cart and checkout in their
 *    own session, place their orders at the same moment, half on each server,
 *    for a product with 50 in stock → exactly 50 orders, 150 "sold out"
 *    answers, stock 0, no 5xx, no SQLITE_BUSY.
 * 2. Crash: 100 more shoppers place orders while one server is killed with
 *    SIGKILL mid-flight; after a restart every order that got a success
 *    answer is there, PRAGMA integrity_check is ok, and stock plus units sold
 *    equals the stock at the start.
 *
 * Prints what it saw and exits non-zero when anything is off.
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { freePort, productionEnv, startServer as startProductionServer } from './production-server.js'

const dir = mkdtempSync(join(tmpdir(), 'shopfront-reliability-'))
const file = join(dir, 'shop.sqlite')
const secret = randomBytes(32).toString('hex')
const servers = new Set<ChildProcess>()
const failures: string[] = []

function check(ok: boolean, what: string) {
  console.log(`${ok ? '✓' : '✗'} ${what}`)
  if (!ok) failures.push(what)
}

function env(port: number) {
  return productionEnv({ port, file, secret })
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = await startProductionServer(env(port), {
    onOutput: (chunk) => {
      if (/SQLITE_BUSY|database is locked/.test(chunk)) failures.push(`server log: ${chunk.trim()}`)
    },
  })
  servers.add(child)
  child.once('exit', () => servers.delete(child))
  return child
}

/** One shopper: a session, two of the product in the cart, and a checkout up to the review page's token. */
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

async function main() {
  console.log('Building and seeding the demo shop…')
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
  execFileSync(process.execPath, ['dist/src/cli/seed.js'], { env: env(0), stdio: 'ignore' })
  const db = new Database(file)
  const variant = db.prepare('select id from variants where track_stock = 1 order by id limit 1').get() as {
    id: number
  }
  const setStock = (n: number) =>
    db.prepare('update variants set stock = ?, allow_backorder = 0 where id = ?').run(n, variant.id)
  const stock = () => (db.prepare('select stock from variants where id = ?').get(variant.id) as { stock: number }).stock
  const soldSince = (orderId: number) =>
    (
      db
        .prepare(
          'select coalesce(sum(l.quantity), 0) as n from order_lines l join orders o on o.id = l.order_id where l.variant_id = ? and o.id > ? and o.cancelled_at is null',
        )
        .get(variant.id, orderId) as { n: number }
    ).n
  setStock(50)

  const ports = [await freePort(), await freePort()]
  const origins = ports.map((p) => `http://127.0.0.1:${p}`)
  let [a, b] = [await startServer(ports[0] as number), await startServer(ports[1] as number)]
  void b

  console.log('\n1. 200 shoppers place their orders at once, half on each server; 50 in stock.')
  const crowd = await shoppers(origins, variant.id, 200, 0)
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
  check(stock() === 0, 'stock is 0')
  const told = await fetch(`${origins[0]}/cart`, {
    headers: { cookie: crowd[answers.indexOf(soldOut[0] as Response)]?.cookie ?? '' },
  })
  check(/sold out|Only \d+/.test(await told.text()), 'the cart page tells a sold-out shopper what happened')

  console.log('\n2. 100 more shoppers place orders while server A is killed with SIGKILL.')
  const lastOrder = (db.prepare('select coalesce(max(id), 0) as id from orders').get() as { id: number }).id
  setStock(100)
  const late = await shoppers(origins, variant.id, 100, 1000)
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
  a.kill('SIGKILL')
  const results = await Promise.all(inFlight)
  const succeeded = results.filter((r) => r.ok)
  console.log(`   ${succeeded.length} success answers, ${results.length - succeeded.length} failed or cut off`)
  a = await startServer(ports[0] as number)
  const tokens = succeeded.map((r) => (r.location as string).slice('/orders/'.length))
  const found = tokens.filter((t) => db.prepare('select 1 from orders where access_token = ?').get(t)).length
  check(found === tokens.length, `every order that got a success answer is there (${found}/${tokens.length})`)
  const integrity = (db.prepare('pragma integrity_check').get() as { integrity_check: string }).integrity_check
  check(integrity === 'ok', `integrity_check: ${integrity}`)
  const sold = soldSince(lastOrder)
  check(stock() + sold === 100, `stock ${stock()} + sold ${sold} = 100`)
  db.close()
}

main()
  .catch((err) => {
    failures.push(String(err?.stack ?? err))
    console.error(err)
  })
  .finally(async () => {
    for (const server of servers) server.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 500))
    for (const server of servers) server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    console.log(failures.length ? `\n${failures.length} check(s) failed.` : '\nAll checks passed.')
    process.exit(failures.length ? 1 : 0)
  })

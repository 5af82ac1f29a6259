/**
 * `npm run bench -- --products 1000,100000 [--orders 1000000] [--duration 5] [--rounds 3]`
 *
 * Seeds (or reuses) one database per catalogue size, starts the built production
 * server and a hello-world Fastify pinned to CPU 0, drives both with wrk pinned
 * to CPU 1, and prints markdown tables: requests/s, p50, p99 and the ratio to
 * hello-world measured in the same round. See bench/README.md.
 *
 * Progress goes to stderr and the tables to stdout, so
 * `npm run -s bench > results.md` keeps only the results.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { hashPassword } from '../src/modules/accounts/password.js'
import { currentTotpCode, generateTotpSecret } from '../src/modules/accounts/totp.js'
import { freePort } from '../src/testing/free-port.js'
import {
  addStaff,
  benchDatabaseUrl,
  type Catalogue,
  databaseLabel,
  isDatabaseOption,
  readCatalogue,
} from './databases.js'

// ---- What is measured (edit here) -------------------------------------------

/** The filtered listing measured as "filtered"; change it when the listing's filters change. */
const FILTERED_LISTING_PATH = '/products?in_stock=1&sort=price_asc'

/** The pages, in table order. `product` and `search` are built from the catalogue in the database. */
const SHOP_PAGES = ['home', 'listing', 'filtered', 'product', 'search', 'sitemap'] as const
/** The back office, measured signed in as staff when there are orders (--orders): `admin-order` and `admin-search` come from the orders. */
const ADMIN_PAGES = [
  'dashboard',
  'admin-products',
  'admin-product-search',
  'admin-orders',
  'admin-search',
  'admin-order',
] as const
const PAGES = [...SHOP_PAGES, ...ADMIN_PAGES] as const
type PageName = (typeof PAGES)[number]
const FIXED_PATHS: Partial<Record<PageName, string>> = {
  home: '/',
  listing: '/products',
  filtered: FILTERED_LISTING_PATH,
  sitemap: '/sitemap.xml',
  dashboard: '/admin',
  'admin-orders': '/admin/orders',
  'admin-products': '/admin/products',
}

const DEFAULT_CONNECTIONS = [50, 10]
/** How many random active products the product-page burst picks from. */
const PRODUCT_SAMPLE = 2000
/** Budgets from the design: product HTML under 30 KB, the stylesheet under 14 KB compressed. */
const HTML_BUDGET_KIB = 30
const CSS_BUDGET_KIB = 14
const WRK = '/usr/bin/wrk'
/** The server's CPU and wrk's CPU: they never compete for one core. */
const SERVER_CPU = 0
const CLIENT_CPU = 1

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = join(root, 'bench', '.data')

// ---- Command line -------------------------------------------------------------

const USAGE = `Usage: npm run bench -- [--products 1000[,100000]] [--orders 1000000] [--duration 5] [--rounds 3]
                       [--pages home,listing,filtered,product,search,sitemap,dashboard,admin-products,admin-product-search,admin-orders,admin-search,admin-order,/any/path]
                       [--connections 50,10] [--gzip] [--page-cache on|off] [--database sqlite|postgres://…] [--node-flags="..."]

  --products     catalogue sizes, comma-separated (default 1000); one table per size
  --orders       orders to seed as well (default 0); with orders, the back-office pages are measured too,
                 signed in as a staff member (the seed takes under 5 minutes for 1,000,000)
  --duration     seconds per wrk burst (default 5)
  --rounds       rounds per page and connection count; each is a hello burst then a page burst (default 3)
  --pages        page names, or literal paths starting with /, to measure (default: the six shop pages,
                 and the four back-office pages when there are orders)
  --connections  wrk connection counts, comma-separated (default 50,10)
  --gzip         send Accept-Encoding: gzip, as browsers do (default: no compression)
  --page-cache   on (default, as in production): anonymous pages are served from memory after their
                 first view until the catalogue or settings change; off: every request renders its page
  --database     sqlite (default: a file per size in bench/.data/) or a postgres:// URL: a database per size,
                 shopfront_bench_<size>, created on that server and kept for the next run
  --node-flags=  extra Node flags for the shop server, space-separated: --node-flags="--cpu-prof --cpu-prof-dir=prof"
                 writes a CPU profile when the server stops, "--trace-gc" logs its garbage collections
                 (bench/.data/server-<size>.log)`

class UsageError extends Error {}

interface Options {
  sizes: number[]
  orders: number
  duration: number
  rounds: number
  pages: string[]
  connections: number[]
  gzip: boolean
  pageCache: boolean
  /** `sqlite`, or the PostgreSQL server (a postgres:// URL) the databases are kept on. */
  database: string
  /** Extra Node flags for the shop server (profiling, GC tracing). */
  nodeFlags: string[]
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      products: { type: 'string', default: '1000' },
      orders: { type: 'string', default: '0' },
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      pages: { type: 'string' },
      connections: { type: 'string', default: DEFAULT_CONNECTIONS.join(',') },
      gzip: { type: 'boolean', default: false },
      'page-cache': { type: 'string', default: 'on' },
      database: { type: 'string', default: 'sqlite' },
      'node-flags': { type: 'string', default: '' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const list = (name: string, raw: string, min: number) =>
    raw.split(',').map((part) => {
      const text = part.trim().replace(/_/g, '')
      if (!/^\d+$/.test(text) || Number(text) < min)
        throw new UsageError(`--${name} takes whole numbers of at least ${min}, comma-separated (got "${raw}")`)
      return Number(text)
    })
  const [orders] = list('orders', values.orders, 0)
  const pages = (values.pages ?? (orders ? PAGES : SHOP_PAGES).join(',')).split(',').map((p) => p.trim())
  for (const page of pages) {
    if (!page.startsWith('/') && !(PAGES as readonly string[]).includes(page))
      throw new UsageError(`--pages: unknown page "${page}"; use ${PAGES.join(', ')} or a path starting with /`)
  }
  if (values['page-cache'] !== 'on' && values['page-cache'] !== 'off')
    throw new UsageError(`--page-cache takes on or off (got "${values['page-cache']}")`)
  if (!isDatabaseOption(values.database))
    throw new UsageError(`--database takes sqlite or a postgres:// URL (got "${values.database}")`)
  const [duration] = list('duration', values.duration, 1)
  const [rounds] = list('rounds', values.rounds, 1)
  return {
    sizes: [...new Set(list('products', values.products, 0))].sort((a, b) => a - b),
    orders: orders ?? 0,
    duration: duration ?? 5,
    rounds: rounds ?? 3,
    pages,
    connections: list('connections', values.connections, 1),
    gzip: values.gzip,
    pageCache: values['page-cache'] === 'on',
    database: values.database,
    nodeFlags: values['node-flags'].split(' ').filter(Boolean),
  }
}

// ---- Processes: every child is tracked and stopped by its PID ------------------

const children = new Set<ChildProcess>()

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

async function stop(child: ChildProcess, graceMs = 12_000): Promise<void> {
  if (!running(child) || child.pid === undefined) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    if (running(child)) child.kill('SIGKILL')
  }, graceMs)
  await exited
  clearTimeout(timer)
}

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)))
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log(`\n${signal}: stopping the processes the bench started…`)
    stopAll().finally(() => process.exit(130))
  })
}
// Last resort if the event loop is already gone: nothing may outlive the bench.
process.on('exit', () => {
  for (const child of children) if (running(child)) child.kill('SIGKILL')
})

const canPin = os.availableParallelism() >= 2 && existsSync('/usr/bin/taskset')

/** `taskset -c CPU command …`, or the bare command where pinning is impossible. */
function pinned(cpu: number, command: string[]): [string, string[]] {
  const full = canPin ? ['taskset', '-c', String(cpu), ...command] : command
  const [file, ...args] = full
  return [file ?? '', args]
}

function log(message: string) {
  process.stderr.write(`${message}\n`)
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Runs a command to completion with the terminal's stderr attached (seed progress bar, build errors). */
function runAttached(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    // Its output goes to stderr with the progress, so stdout stays the markdown results.
    const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', 2, 2] }))
    child.once('error', fail)
    child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)))
  })
}

/** Runs a command to completion and returns what it printed. */
function runCaptured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }))
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', fail)
    child.once('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), stdout, stderr }))
  })
}

// ---- HTTP probes (node:http: fetch would decompress and hide the wire size) ----

interface Fetched {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((done, fail) => {
    const request = http.get(url, { headers, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      )
      response.on('error', fail)
    })
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)))
    request.on('error', fail)
  })
}

/** Sends a form as a browser does (urlencoded, this site's Origin); answers with status, headers and body. */
function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Fetched> {
  const body = new URLSearchParams(fields).toString()
  return new Promise((done, fail) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        timeout: 30_000,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          origin: new URL(url).origin,
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        )
        response.on('error', fail)
      },
    )
    request.on('timeout', () => request.destroy(new Error(`POST ${url} timed out`)))
    request.on('error', fail)
    request.end(body)
  })
}

const sidOf = (response: Fetched) => /\bsid=[^;]+/.exec([response.headers['set-cookie'] ?? []].flat().join('\n'))?.[0]

/**
 * A staff member's session for the back-office pages: a staff account with
 * two-factor sign-in is added to the database, then signs in through the
 * real forms, code and all. Returns the Cookie header value.
 */
async function staffCookie(origin: string, database: string): Promise<string> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`
  const password = randomBytes(12).toString('base64url')
  const secret = generateTotpSecret()
  await addStaff(database, {
    email,
    passwordHash: await hashPassword(password, { ln: 10, r: 8, p: 1 }),
    totpSecret: secret,
  })
  const first = await postForm(`${origin}/login`, { email, password })
  let cookie = sidOf(first)
  if (first.status !== 303 || !cookie) throw new Error(`the bench's staff sign-in answered HTTP ${first.status}`)
  if (first.headers.location === '/login/two-factor') {
    const page = await get(`${origin}/login/two-factor`, { cookie })
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body.toString('utf8'))?.[1] ?? ''
    const second = await postForm(
      `${origin}/login/two-factor`,
      { code: currentTotpCode(secret, Date.now()), _csrf: token },
      { cookie },
    )
    cookie = sidOf(second) ?? cookie
    if (second.status !== 303) throw new Error(`the bench's two-factor step answered HTTP ${second.status}`)
  }
  const admin = await get(`${origin}/admin`, { cookie })
  if (admin.status !== 200) throw new Error(`signed in as staff, /admin answered HTTP ${admin.status}`)
  return cookie
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!running(child))
      throw new Error(`the process exited (code ${child.exitCode}) before ${url} answered\n${tail(logFile)}`)
    try {
      const response = await get(url)
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s\n${tail(logFile)}`)
}

function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return ''
  const text = readFileSync(file, 'utf8').trimEnd()
  return text ? `--- last lines of ${relative(root, file)} ---\n${text.split('\n').slice(-lines).join('\n')}` : ''
}

// ---- The catalogue database ------------------------------------------------------

let productsOptionKnown: boolean | undefined
/** How long each database took to seed in this run (absent when reused). */
const seedSeconds = new Map<string, number>()

/**
 * Whether the seed CLI takes --products yet. Its parser is strict, so an unknown
 * option fails before the database is touched; the probe option makes sure it
 * fails either way, and the message says which option it did not know.
 */
async function seedTakesProducts(env: NodeJS.ProcessEnv): Promise<boolean> {
  if (productsOptionKnown !== undefined) return productsOptionKnown
  const probe = await runCaptured('npx', ['tsx', 'src/cli/seed.ts', '--products', '1', '--bench-probe'], env)
  productsOptionKnown = !/unknown option '--products'/i.test(probe.stderr + probe.stdout)
  if (!productsOptionKnown) log('  The seed CLI does not take --products yet: seeding the default catalogue instead.')
  return productsOptionKnown
}

async function prepareDatabase(
  option: string,
  size: number,
  orders: number,
): Promise<{ database: string; mediaDir: string }> {
  const database = await benchDatabaseUrl(option, dataDir, size, orders)
  const label = databaseLabel(database)
  const mediaDir = join(dataDir, `media-${size}`)
  mkdirSync(mediaDir, { recursive: true })
  const found = await readCatalogue(database, PRODUCT_SAMPLE)
  if (found.products >= size && found.orders >= orders) {
    log(
      `Reusing ${label} (${found.products.toLocaleString('en')} products, ${found.orders.toLocaleString('en')} orders).`,
    )
    return { database, mediaDir }
  }
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: database,
    MEDIA_DIR: mediaDir,
    // So the seed does not write the project's development secret file.
    SESSION_SECRET: randomBytes(32).toString('base64url'),
  }
  const args = ['tsx', 'src/cli/seed.ts']
  if (await seedTakesProducts(env)) args.push('--products', String(size))
  if (orders) args.push('--orders', String(orders))
  log(`Seeding ${label}: npx ${args.join(' ')}`)
  const started = Date.now()
  const code = await runAttached('npx', args, env)
  if (code !== 0) throw new Error(`seeding ${label} failed (exit code ${code})`)
  const { products, orders: seeded } = await readCatalogue(database, PRODUCT_SAMPLE)
  seedSeconds.set(database, (Date.now() - started) / 1000)
  log(
    `  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${products.toLocaleString('en')} products, ${seeded.toLocaleString('en')} orders`,
  )
  if (products < size)
    log(`  ⚠ ${products.toLocaleString('en')} products, fewer than the ${size.toLocaleString('en')} asked for`)
  return { database, mediaDir }
}

// ---- The servers -------------------------------------------------------------------

interface Server {
  child: ChildProcess
  origin: string
  logFile: string
}

async function startShop(
  size: number,
  database: string,
  mediaDir: string,
  pageCache: boolean,
  nodeFlags: string[],
): Promise<Server> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const logFile = join(dataDir, `server-${size}.log`)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: database,
    MEDIA_DIR: mediaDir,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    // Required in production; the host check accepts only this host, so it names the port wrk uses.
    PUBLIC_URL: origin,
    // Required in production; nothing sends mail during the bench, and the worker is off so it never tries.
    SMTP_URL: 'smtp://127.0.0.1:2525',
    RUN_WORKER: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    LOG_REQUESTS: 'false',
    // Unset means the production default (on); 0 turns it off.
    ...(pageCache ? {} : { PAGE_CACHE_MB: '0' }),
  }
  delete env.TRUST_PROXY
  delete env.MAIL_FROM
  const out = openSync(logFile, 'w')
  // A CPU profile (--cpu-prof) is written when the server exits, which it does on the SIGTERM that stops it.
  const [command, args] = pinned(SERVER_CPU, [process.execPath, ...nodeFlags, 'dist/src/server.js'])
  const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', out, out] }))
  closeSync(out)
  await waitUntilReady(`${origin}/readyz`, child, logFile)
  return { child, origin, logFile }
}

async function startHello(): Promise<Server> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const logFile = join(dataDir, 'hello.log')
  const out = openSync(logFile, 'w')
  const [command, args] = pinned(SERVER_CPU, [process.execPath, 'bench/hello.mjs'])
  const env = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port) }
  const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', out, out] }))
  closeSync(out)
  await waitUntilReady(`${origin}/`, child, logFile)
  return { child, origin, logFile }
}

// ---- wrk ------------------------------------------------------------------------------

interface WrkResult {
  rps: number
  p50: number
  p99: number
  requests: number
  /** wrk's "Non-2xx or 3xx responses": in fact every status of 400 and above. */
  errors: number
  socketErrors: number
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

function parseWrk(output: string): WrkResult {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(output)
    return match ? Number(match[1]) : null
  }
  const latency = (percent: string) => {
    const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(output)
    return match ? Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1) : Number.NaN
  }
  const rps = number(/^Requests\/sec:\s+([\d.]+)/m)
  if (rps === null) throw new Error(`could not read wrk's output:\n${output}`)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  return {
    rps,
    p50: latency('50'),
    p99: latency('99'),
    requests: number(/(\d+) requests in/) ?? 0,
    errors: number(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  }
}

interface Burst {
  url: string
  script?: string
  /** Extra request headers (the staff session cookie for back-office pages). */
  headers?: string[]
}

async function wrk(burst: Burst, connections: number, seconds: number, gzip: boolean): Promise<WrkResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s']
  if (gzip) args.push('-H', 'Accept-Encoding: gzip')
  for (const header of burst.headers ?? []) args.push('-H', header)
  if (burst.script) args.push('-s', burst.script)
  args.push(burst.url)
  const [command, full] = pinned(CLIENT_CPU, [WRK, ...args])
  const result = await runCaptured(command, full)
  if (result.code !== 0) throw new Error(`wrk failed (exit code ${result.code}): ${result.stderr || result.stdout}`)
  return parseWrk(result.stdout)
}

function writePathsScript(name: string, paths: string[]): string {
  const file = join(dataDir, `paths-${name}.lua`)
  const quoted = paths.map((p) => `  ${JSON.stringify(p)},`).join('\n')
  writeFileSync(
    file,
    `-- Generated by bench/run.ts: each request asks for one of ${paths.length} random pages.
local paths = {
${quoted}
}
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
`,
  )
  return file
}

// ---- Measuring ----------------------------------------------------------------------

interface Target {
  name: string
  /** What the table shows as the path. */
  shown: string
  burst?: Burst
  /** One URL to ask once before measuring, for its status. */
  probe?: string
  /** Headers for the probe (the staff session cookie). */
  headers?: Record<string, string>
  skip?: string
}

function targetsFor(
  options: Options,
  size: number,
  origin: string,
  catalogue: Catalogue,
  staff: string | null,
): Target[] {
  return options.pages.map((page): Target => {
    const admin = (ADMIN_PAGES as readonly string[]).includes(page) || page.startsWith('/admin')
    if (admin && !staff) return { name: page, shown: FIXED_PATHS[page as PageName] ?? page, skip: 'no staff session' }
    // Back-office pages are asked for as a signed-in staff member.
    const headers = admin && staff ? { cookie: staff } : undefined
    const burst = (url: string, script?: string): Burst => ({
      url,
      ...(script ? { script } : {}),
      ...(headers ? { headers: [`Cookie: ${headers.cookie}`] } : {}),
    })
    const plain = (path: string, shown = path): Target => ({
      name: page,
      shown,
      burst: burst(origin + path),
      probe: origin + path,
      ...(headers ? { headers } : {}),
    })
    const random = (paths: string[], shown: string, script: string): Target => ({
      name: page,
      shown,
      burst: burst(`${origin}/`, writePathsScript(script, paths)),
      probe: origin + (paths[0] ?? '/'),
      ...(headers ? { headers } : {}),
    })
    if (page.startsWith('/')) return plain(page)
    const fixed = FIXED_PATHS[page as PageName]
    if (fixed) return plain(fixed)
    if (page === 'product') {
      if (catalogue.slugs.length === 0) return { name: page, shown: '/products/…', skip: 'no active products' }
      const paths = catalogue.slugs.map((slug) => `/products/${encodeURIComponent(slug)}`)
      return random(paths, `/products/… (${paths.length.toLocaleString('en')} random)`, `products-${size}`)
    }
    if (page === 'admin-order') {
      if (catalogue.orderNumbers.length === 0) return { name: page, shown: '/admin/orders/…', skip: 'no orders' }
      const paths = catalogue.orderNumbers.map((n) => `/admin/orders/${n}`)
      return random(paths, `/admin/orders/… (${paths.length.toLocaleString('en')} random)`, `orders-${size}`)
    }
    if (page === 'admin-product-search') {
      if (!catalogue.searchWord) return { name: page, shown: '/admin/products?q=…', skip: 'no products' }
      return plain(`/admin/products?q=${encodeURIComponent(catalogue.searchWord)}`)
    }
    if (page === 'admin-search') {
      if (!catalogue.orderSearch) return { name: page, shown: '/admin/orders?q=…', skip: 'no orders' }
      return plain(`/admin/orders?q=${encodeURIComponent(catalogue.orderSearch)}`)
    }
    // search
    if (!catalogue.searchWord)
      return { name: page, shown: '/search?q=…', skip: 'no active products to take a word from' }
    return plain(`/search?q=${encodeURIComponent(catalogue.searchWord)}`)
  })
}

/** "home `/`", or just the path for a page given as a path. */
function label(target: Target, quote: (text: string) => string = (text) => text): string {
  return target.name === target.shown ? quote(target.shown) : `${target.name} ${quote(target.shown)}`
}

interface Row {
  target: Target
  connections: number
  status?: number
  rps?: number
  p50?: number
  p99?: number
  ratio?: number
  requests: number
  errors: number
  socketErrors: number
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

async function measure(
  targets: Target[],
  hello: Burst,
  options: Options,
  helloRates: Map<number, number[]>,
): Promise<Row[]> {
  const rows: Row[] = []
  const warmUp = Math.min(2, options.duration)
  for (const target of targets) {
    let status: number | undefined
    if (target.probe) {
      try {
        status = (await get(target.probe, target.headers)).status
      } catch (err) {
        log(`  ${label(target)}: ${(err as Error).message}`)
      }
    }
    if (!target.burst) {
      for (const connections of options.connections)
        rows.push({ target, connections, requests: 0, errors: 0, socketErrors: 0 })
      continue
    }
    log(`  ${label(target)}: HTTP ${status ?? '?'}; warming up for ${warmUp} s`)
    await wrk(target.burst, Math.min(...options.connections), warmUp, options.gzip)
    for (const connections of options.connections) {
      const rounds: { page: WrkResult; ratio: number }[] = []
      for (let round = 1; round <= options.rounds; round++) {
        const base = await wrk(hello, connections, options.duration, options.gzip)
        const page = await wrk(target.burst, connections, options.duration, options.gzip)
        const ratio = base.rps > 0 ? page.rps / base.rps : Number.NaN
        const rates = helloRates.get(connections) ?? []
        rates.push(base.rps)
        helloRates.set(connections, rates)
        rounds.push({ page, ratio })
        log(
          `    ${connections} conns, round ${round}/${options.rounds}: ${fmtInt(page.rps)} req/s ` +
            `(hello ${fmtInt(base.rps)}) × ${fmtRatio(ratio)}, p99 ${fmtMs(page.p99)} ms` +
            (page.errors || page.socketErrors
              ? `, ⚠ ${page.errors} non-2xx/3xx, ${page.socketErrors} socket errors`
              : ''),
        )
      }
      rows.push({
        target,
        connections,
        ...(status === undefined ? {} : { status }),
        rps: median(rounds.map((r) => r.page.rps)),
        p50: median(rounds.map((r) => r.page.p50)),
        p99: median(rounds.map((r) => r.page.p99)),
        ratio: median(rounds.map((r) => r.ratio)),
        requests: rounds.reduce((sum, r) => sum + r.page.requests, 0),
        errors: rounds.reduce((sum, r) => sum + r.page.errors, 0),
        socketErrors: rounds.reduce((sum, r) => sum + r.page.socketErrors, 0),
      })
    }
  }
  return rows
}

// ---- Sizes on the wire ---------------------------------------------------------------

interface Weight {
  what: string
  path: string
  raw?: number
  gzip?: number
  gzipNote?: string
  budget: string
  verdict: string
}

async function weigh(
  url: string,
): Promise<{ status: number; raw: number; gzip: number; local: boolean; body: Buffer }> {
  const plain = await get(url)
  const compressed = await get(url, { 'accept-encoding': 'gzip' })
  const served = compressed.headers['content-encoding'] === 'gzip'
  return {
    status: plain.status,
    raw: plain.body.length,
    gzip: served ? compressed.body.length : gzipSync(plain.body).length,
    local: !served,
    body: plain.body,
  }
}

function stylesheetOf(html: string): string | null {
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    const rel = /\brel\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1]
    const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1] ?? /\bhref\s*=\s*([^\s>]+)/i.exec(tag)?.[1]
    if (rel?.toLowerCase() === 'stylesheet' && href) return href.replace(/&amp;/g, '&')
  }
  return null
}

async function weights(origin: string, catalogue: Catalogue): Promise<Weight[]> {
  const kib = (bytes: number) => bytes / 1024
  const result: Weight[] = []
  const productHtml: Weight = {
    what: 'product page HTML',
    path: '—',
    budget: `< ${HTML_BUDGET_KIB} KiB`,
    verdict: 'no active product',
  }
  if (catalogue.sampleSlug) {
    const path = `/products/${encodeURIComponent(catalogue.sampleSlug)}`
    const w = await weigh(origin + path)
    Object.assign(productHtml, {
      path,
      raw: w.raw,
      gzip: w.gzip,
      ...(w.local ? { gzipNote: 'not compressed by the server; gzipped here' } : {}),
      verdict:
        w.status !== 200
          ? `⚠ HTTP ${w.status}`
          : kib(w.raw) < HTML_BUDGET_KIB
            ? '✓ even uncompressed'
            : kib(w.gzip) < HTML_BUDGET_KIB
              ? '✓ compressed only'
              : '✗ over',
    })
  }
  result.push(productHtml)

  const css: Weight = { what: 'stylesheet', path: '—', budget: `< ${CSS_BUDGET_KIB} KiB gzip`, verdict: '' }
  const home = await get(`${origin}/`)
  const href = home.status === 200 ? stylesheetOf(home.body.toString('utf8')) : null
  if (!href)
    css.verdict = home.status === 200 ? '⚠ no <link rel="stylesheet"> on /' : `⚠ / answered HTTP ${home.status}`
  else {
    const url = new URL(href, `${origin}/`)
    const w = await weigh(url.href)
    Object.assign(css, {
      path: url.pathname,
      raw: w.raw,
      gzip: w.gzip,
      ...(w.local ? { gzipNote: 'not compressed by the server; gzipped here' } : {}),
      verdict: w.status !== 200 ? `⚠ HTTP ${w.status}` : kib(w.gzip) < CSS_BUDGET_KIB ? '✓' : '✗ over',
    })
  }
  result.push(css)
  return result
}

// ---- Output ----------------------------------------------------------------------------

const fmtInt = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '—' : Math.round(n).toLocaleString('en')
const fmtMs = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)
const fmtRatio = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(3))
const fmtKib = (n: number | undefined) => (n === undefined ? '—' : (n / 1024).toFixed(1))
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``

function problems(row: Row): string {
  if (row.target.skip) return `skipped: ${row.target.skip}`
  const notes: string[] = []
  if (row.status !== undefined && (row.status < 200 || row.status >= 400)) notes.push(`HTTP ${row.status}`)
  if (row.errors) {
    const share = row.requests ? ` (${((100 * row.errors) / row.requests).toFixed(0)}%)` : ''
    notes.push(`${row.errors.toLocaleString('en')} non-2xx/3xx${share}`)
  }
  if (row.socketErrors) notes.push(`${row.socketErrors.toLocaleString('en')} socket errors`)
  return notes.length ? `⚠ ${notes.join(', ')}` : ''
}

function table(rows: Row[]): string {
  const lines = [
    '| page | conns | req/s | p50 ms | p99 ms | × hello | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const row of rows) {
    lines.push(
      `| ${label(row.target, code)} | ${row.connections} | ${fmtInt(row.rps)} | ${fmtMs(row.p50)} | ${fmtMs(row.p99)} | ${fmtRatio(row.ratio)} | ${problems(row)} |`,
    )
  }
  return lines.join('\n')
}

function weightTable(list: Weight[]): string {
  const lines = ['| resource | path | raw KiB | gzip KiB | budget | |', '| --- | --- | ---: | ---: | --- | --- |']
  for (const w of list) {
    const gzip = w.gzip === undefined ? '—' : `${fmtKib(w.gzip)}${w.gzipNote ? '*' : ''}`
    lines.push(
      `| ${w.what} | ${w.path === '—' ? '—' : code(w.path)} | ${fmtKib(w.raw)} | ${gzip} | ${w.budget} | ${w.verdict} |`,
    )
  }
  if (list.some((w) => w.gzipNote))
    lines.push('', '\\* the server did not compress it; gzipped here at the default level.')
  return lines.join('\n')
}

function machine(options: Options): string {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU'
  const wrkVersion = (() => {
    try {
      // `wrk -v` prints its version and exits 1.
      return (
        execFileSync(WRK, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0] ?? 'unknown'
      )
    } catch (err) {
      return String((err as { stdout?: string }).stdout ?? '').split('\n')[0] || 'unknown'
    }
  })()
  const commit = (() => {
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      const head = git('rev-parse', '--short', 'HEAD')
      const dirty = git('status', '--porcelain', '--', 'src', 'views', 'public', 'db')
      return dirty ? `${head} with uncommitted changes` : head
    } catch {
      return 'unknown'
    }
  })()
  const pinning = canPin
    ? `servers on CPU ${SERVER_CPU}, wrk on CPU ${CLIENT_CPU} (taskset)`
    : '⚠ not pinned (needs 2 CPUs and taskset): figures are noisy'
  return [
    '# Shopfront benchmark',
    '',
    `- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    `- Machine: ${model}, ${os.availableParallelism()} cores, ${os.type()} ${os.release()}; ${pinning}`,
    `- Node ${process.version}, ${wrkVersion.replace(/\s*Copyright.*$/, '')}`,
    `- Commit: ${commit}`,
    options.database === 'sqlite'
      ? '- Database: SQLite, a file per catalogue size in bench/.data/.'
      : `- Database: PostgreSQL at ${databaseLabel(options.database)} (${postgresVersion(options.database)}), unpinned: it shares the CPUs with the server and wrk.`,
    `- Each round: ${options.duration} s of hello-world, then ${options.duration} s of the page; ${options.rounds} round(s); medians shown. ` +
      `wrk -t1 with keep-alive, ${options.gzip ? 'Accept-Encoding: gzip' : 'no Accept-Encoding (uncompressed responses)'}.`,
    options.pageCache
      ? '- Page cache: on, as in production: an anonymous page is rendered at its first view and served from memory until the catalogue or settings change (`--page-cache off` renders every request).'
      : '- Page cache: off (PAGE_CACHE_MB=0): every request renders its page.',
  ].join('\n')
}

/** The server's version, e.g. "PostgreSQL 15.14", for the table's header. */
function postgresVersion(url: string): string {
  try {
    return execFileSync('psql', [url, '-XAtc', 'show server_version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .replace(/^/, 'PostgreSQL ')
      .replace(/\s*\(.*$/, '')
  } catch {
    return 'version unknown'
  }
}

function comparison(results: Map<number, Row[]>): string | null {
  const sizes = [...results.keys()]
  if (sizes.length < 2) return null
  const small = sizes[0] ?? 0
  const large = sizes[sizes.length - 1] ?? 0
  const smallRows = results.get(small) ?? []
  const largeRows = results.get(large) ?? []
  const lines = [
    `## ${large.toLocaleString('en')} products vs ${small.toLocaleString('en')}`,
    '',
    `Requests/s at the largest catalogue divided by requests/s at the smallest (1.00 = no slower); the last column divides the × hello figures instead, which cancels drift of the machine between the two runs.`,
    '',
    `| page | conns | req/s @ ${small.toLocaleString('en')} | req/s @ ${large.toLocaleString('en')} | ratio | ratio of × hello |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const row of largeRows) {
    const base = smallRows.find((r) => r.target.name === row.target.name && r.connections === row.connections)
    const flag = problems(row) || (base && problems(base)) ? ' ⚠' : ''
    const ratio = base?.rps && row.rps ? row.rps / base.rps : undefined
    const hello = base?.ratio && row.ratio ? row.ratio / base.ratio : undefined
    lines.push(
      `| ${row.target.name.startsWith('/') ? code(row.target.name) : row.target.name}${flag} | ${row.connections} | ${fmtInt(base?.rps)} | ${fmtInt(row.rps)} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${hello === undefined ? '—' : hello.toFixed(2)} |`,
    )
  }
  return lines.join('\n')
}

// ---- Main ------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(WRK)) {
    console.error('wrk is not installed: run `apt-get install -y wrk` (Debian/Ubuntu)')
    process.exit(1)
  }
  let options: Options
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`)
    process.exit(1)
  }
  if (!canPin) log('⚠ Fewer than 2 CPUs or no taskset: the processes are not pinned and the figures will be noisy.')
  mkdirSync(dataDir, { recursive: true })

  const bursts = options.pages.length * options.connections.length * options.rounds * 2
  const minutes = (options.sizes.length * (bursts * options.duration + options.pages.length * 2)) / 60
  log(`About ${Math.ceil(minutes)} min of measuring after seeding and building.`)

  const databases = new Map<number, { database: string; mediaDir: string }>()
  for (const size of options.sizes) databases.set(size, await prepareDatabase(options.database, size, options.orders))

  log('Building: npm run -s build')
  if ((await runAttached('npm', ['run', '-s', 'build'], process.env)) !== 0) throw new Error('npm run build failed')

  const hello = await startHello()
  const helloBurst: Burst = { url: `${hello.origin}/` }
  await wrk(helloBurst, Math.min(...options.connections), Math.min(2, options.duration), options.gzip)

  const sections: string[] = [machine(options)]
  const results = new Map<number, Row[]>()
  for (const size of options.sizes) {
    const db = databases.get(size)
    if (!db) continue
    const catalogue = await readCatalogue(db.database, PRODUCT_SAMPLE)
    log(`\n${size.toLocaleString('en')} products: starting the production server`)
    const shop = await startShop(size, db.database, db.mediaDir, options.pageCache, options.nodeFlags)
    try {
      const helloRates = new Map<number, number[]>()
      const wantsStaff = options.pages.some(
        (p) => (ADMIN_PAGES as readonly string[]).includes(p) || p.startsWith('/admin'),
      )
      const staff = wantsStaff ? await staffCookie(shop.origin, db.database) : null
      const rows = await measure(
        targetsFor(options, size, shop.origin, catalogue, staff),
        helloBurst,
        options,
        helloRates,
      )
      results.set(size, rows)
      const baseline = options.connections
        .map((c) => `${fmtInt(median(helloRates.get(c) ?? []))} req/s at ${c} connections`)
        .join(', ')
      // pino's JSON lines; with LOG_LEVEL=warn each is a warning or an error. The rest is the start-up banner.
      const logged = readFileSync(shop.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{')).length
      sections.push(
        [
          `## ${size.toLocaleString('en')} products`,
          '',
          `Catalogue: ${catalogue.products.toLocaleString('en')} products and ${catalogue.orders.toLocaleString('en')} orders in the database` +
            `${seedSeconds.has(db.database) ? ` (seeded in ${(seedSeconds.get(db.database) ?? 0).toFixed(1)} s)` : ''}` +
            `${catalogue.searchWord ? `; search word “${catalogue.searchWord}”` : ''}` +
            `${catalogue.orderSearch ? `; order search “${catalogue.orderSearch}”` : ''}. ` +
            `Hello-world baseline (median): ${baseline || '—'}.`,
          '',
          table(rows),
          '',
          weightTable(await weights(shop.origin, catalogue)),
          ...(logged
            ? ['', `⚠ The server logged ${logged} line(s) at warn or above: see ${code(relative(root, shop.logFile))}.`]
            : []),
        ].join('\n'),
      )
    } finally {
      await stop(shop.child)
    }
  }
  await stop(hello.child)

  const compared = comparison(results)
  if (compared) sections.push(compared)
  console.log(`\n${sections.join('\n\n')}`)
}

main()
  .catch(async (err) => {
    if (stopping) return
    console.error(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  })
  .finally(async () => {
    await stopAll()
  })

/**
 * `npm run bench:sign-in`: what a crowd of sign-ins does to the storefront.
 *
 * Seeds the demo shop, starts the built production server (both cores, as
 * deployed; TRUST_PROXY=true so every sign-in can come from its own client
 * address, as in an attack from many machines), and measures storefront
 * latency with shoppers arriving at a steady rate (gzip asked for, as
 * browsers do, and the stylesheet read from disk):
 *   1. quiet: the shoppers alone;
 *   2. under sign-ins: the same, while waves of 40 parallel sign-ins with
 *      unknown addresses (each hashed against a decoy at the production cost)
 *      are sent for the whole time.
 * Prints p50/p99/max of both, and what the sign-ins were answered.
 *
 *   npm run bench:sign-in -- [--seconds 10] [--rate 200] [--root /path/to/another/checkout]
 *
 * --root runs another checkout's build (its `dist/`, built beforehand) to
 * compare before and after a change.
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { stop } from './processes.js'
import { freePort, productionEnv, startServer } from './production-server.js'
import { stylesheetOf } from './weights.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    root: { type: 'string', default: process.cwd() },
  },
})
const seconds = Number(values.seconds)
const rate = Number(values.rate)
const root = resolve(values.root as string)
const PARALLEL_SIGN_INS = 40

const dir = mkdtempSync(join(tmpdir(), 'shopfront-sign-in-'))
let server: ChildProcess | undefined

interface Latencies {
  ms: number[]
  errors: number
}

function summary(label: string, { ms, errors }: Latencies): string {
  const sorted = [...ms].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  const f = (n: number) => n.toFixed(1).padStart(8)
  return `| ${label.padEnd(26)} | ${String(sorted.length).padStart(8)} | ${f(at(0.5))} | ${f(at(0.99))} | ${f(sorted.at(-1) ?? Number.NaN)} | ${errors} |`
}

/**
 * Shoppers loading the home page, a listing, the stylesheet and a product
 * page at a steady `rate` a second until `until`, whether or not earlier
 * requests have been answered (an open loop, as real visitors arrive): each
 * latency counts from the moment its request was due, so a stall counts for
 * every visitor who arrived during it, not only for the few already waiting.
 */
async function shoppers(origin: string, paths: string[], until: number): Promise<Latencies> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const result: Latencies = { ms: [], errors: 0 }
  const everyMs = 1000 / rate
  const start = performance.now()
  const pending: Array<Promise<void>> = []
  for (let i = 0; Date.now() < until; i++) {
    const due = start + i * everyMs
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    const path = paths[i % paths.length] as string
    pending.push(
      get(agent, origin + path).then((ok) => {
        result.ms.push(performance.now() - due)
        if (!ok) result.errors++
      }),
    )
  }
  await Promise.all(pending)
  agent.destroy()
  return result
}

function get(agent: Agent, url: string): Promise<boolean> {
  return new Promise((done) => {
    const request = httpGet(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (response) => {
      response.resume()
      response.on('end', () => done(response.statusCode === 200))
    })
    request.on('error', () => done(false))
  })
}

/** Waves of parallel sign-ins with unknown addresses, each from an address of its own, until `until`. */
async function signInWaves(origin: string, until: number) {
  const answers = new Map<number, number>()
  const ms: number[] = []
  let wave = 0
  while (Date.now() < until) {
    wave++
    await Promise.all(
      Array.from({ length: PARALLEL_SIGN_INS }, async (_, i) => {
        const started = performance.now()
        const response = await fetch(`${origin}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            origin,
            'x-forwarded-for': `198.18.${wave % 250}.${i + 1}`,
          },
          body: new URLSearchParams({ email: `nobody${wave}-${i}@example.com`, password: 'a wrong guess' }),
        }).catch(() => null)
        await response?.arrayBuffer()
        ms.push(performance.now() - started)
        const status = response?.status ?? 0
        answers.set(status, (answers.get(status) ?? 0) + 1)
      }),
    )
  }
  return { waves: wave, answers, ms }
}

async function main() {
  console.error(`Seeding the demo shop with ${root}/dist …`)
  if (root === process.cwd()) execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
  const port = await freePort()
  const env = productionEnv({
    port,
    database: join(dir, 'shop.sqlite'),
    secret: randomBytes(32).toString('hex'),
    extra: { TRUST_PROXY: 'true', MEDIA_DIR: join(dir, 'media') },
  })
  execFileSync(process.execPath, [join(root, 'dist/src/cli/seed.js'), '--products', '200'], {
    env: { ...env, NODE_ENV: 'development', SEED_DEMO: 'true' },
    stdio: 'ignore',
  })
  server = await startServer(env, { root })
  const origin = `http://127.0.0.1:${port}`
  const home = await (await fetch(`${origin}/`)).text()
  const stylesheet = stylesheetOf(home) ?? '/'
  const product = /href="(\/products\/[^"?#]+)"/.exec(home)?.[1] ?? '/products'
  const paths = ['/', '/products', stylesheet, product]
  // Warm: every page rendered once, V8's hot paths compiled.
  await shoppers(origin, paths, Date.now() + 2000)

  const quiet = await shoppers(origin, paths, Date.now() + seconds * 1000)
  const until = Date.now() + seconds * 1000
  const [busy, signIns] = await Promise.all([shoppers(origin, paths, until), signInWaves(origin, until)])

  console.log(`Sign-in pressure: ${new Date().toISOString()}, ${root === process.cwd() ? 'this checkout' : root}`)
  console.log(`${rate} storefront requests/s, ${seconds} s each phase; pages: ${paths.join(' ')}\n`)
  console.log('| storefront                 | requests |  p50 ms |  p99 ms |  max ms | failed |')
  console.log('| -------------------------- | -------: | ------: | ------: | ------: | -----: |')
  console.log(summary('quiet', quiet))
  console.log(summary(`${PARALLEL_SIGN_INS} sign-ins at a time`, busy))
  const sorted = [...signIns.ms].sort((a, b) => a - b)
  const answered = [...signIns.answers].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ')
  console.log(
    `\nSign-ins: ${signIns.waves} waves of ${PARALLEL_SIGN_INS}, answered ${answered}; ` +
      `p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`,
  )
}

main()
  .catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(async () => {
    if (server) await stop(server)
    rmSync(dir, { recursive: true, force: true })
  })

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
import { existsSync, mkdirSync } from 'node:fs'
import { isAdminPage, staffCookie } from './admin-pages.js'
import { readCatalogue } from './databases.js'
import { helloBaseline, measure, type Row } from './measure.js'
import { type Options, parseOptions, USAGE } from './options.js'
import { targetsFor } from './pages.js'
import { canPin, dataDir, isStopping, log, runAttached, stop, stopAll, stopChildrenOnExit } from './processes.js'
import { comparison, machine, sizeSection } from './report.js'
import { PRODUCT_SAMPLE, prepareDatabase, seedSeconds } from './seed.js'
import { startHello, startShop, warningsLogged } from './servers.js'
import { weights } from './weights.js'
import { type Burst, WRK, wrk } from './wrk.js'

stopChildrenOnExit()

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
      const staff = options.pages.some(isAdminPage) ? await staffCookie(shop.origin, db.database) : null
      const rows = await measure(
        targetsFor(options, size, shop.origin, catalogue, staff),
        helloBurst,
        options,
        helloRates,
      )
      results.set(size, rows)
      sections.push(
        sizeSection({
          size,
          catalogue,
          seeded: seedSeconds.get(db.database),
          baseline: helloBaseline(helloRates, options.connections),
          rows,
          weights: await weights(shop.origin, catalogue),
          logged: warningsLogged(shop.logFile),
          logFile: shop.logFile,
        }),
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
    if (isStopping()) return
    console.error(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  })
  .finally(async () => {
    await stopAll()
  })

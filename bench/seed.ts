/**
 * The catalogue database of each size: seeded by the project's seed CLI the
 * first time, reused after while it holds enough products and orders.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { benchDatabaseUrl, databaseLabel, readCatalogue } from './databases.js'
import { dataDir, log, runAttached, runCaptured } from './processes.js'

/** How many random active products the product-page burst picks from. */
export const PRODUCT_SAMPLE = 2000

let productsOptionKnown: boolean | undefined
/** How long each database took to seed in this run (absent when reused). */
export const seedSeconds = new Map<string, number>()

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

export async function prepareDatabase(
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

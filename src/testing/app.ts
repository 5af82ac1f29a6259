import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.js'
import type { Config } from '../config.js'
import { createDb, type Db, isPostgresUrl } from '../db/connection.js'
import { migrateToLatest } from '../db/migrator.js'
import { createMediaStorage, type MediaStorage } from '../lib/media-storage/index.js'
import { seedDemo } from '../modules/demo/demo.seed.js'
import { freshTestDatabase } from './database.js'

export interface TestShop {
  app: FastifyInstance
  /** A second connection to the same file, for arranging and checking data. */
  db: Db
  config: Config
  /** The app's image store (config.media), for storing pictures and looking at what was stored. */
  media: MediaStorage
  /** Builds a fresh app on the same database file, as a restart would. */
  restart(): Promise<FastifyInstance>
  close(): Promise<void>
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const database = overrides.database ?? ':memory:'
  return {
    env: 'test',
    isProduction: false,
    host: '127.0.0.1',
    port: 0,
    database,
    databasePool: { size: 5, statementTimeoutMs: 15_000 },
    // Beside the test's database file, so removing its folder removes the images too; nothing is created until an image is stored.
    media: {
      storage: 'local',
      dir:
        database === ':memory:' || isPostgresUrl(database)
          ? join(tmpdir(), 'shopfront-test-media')
          : join(dirname(database), 'media'),
    },
    sessionSecret: 'a-test-secret-that-is-long-enough-for-sessions',
    publicUrl: null,
    seedDemo: false,
    logLevel: 'silent',
    logRequests: false,
    trustProxy: false,
    smtpUrl: null,
    mailFrom: 'shop@example.com',
    runWorker: false,
    // On, as in production: tests then show that every change reaches the pages it should.
    pageCacheBytes: 16 * 1024 * 1024,
    // Full-strength scrypt takes ~0.3 s a hash; the rules are the same at a lower cost.
    passwordHashing: { ln: 10, r: 8, p: 1 },
    stripe: null,
    apiRateLimit: { anonymous: 300, customer: 600, key: 1200 },
    ...overrides,
  }
}

/** The real app on a fresh, migrated database file of its own (demo data loaded unless seed is false). */
export async function buildTestApp(
  overrides: Partial<Config> = {},
  /** seed: load the demo shop (default true); products: how many demo products it gets (default none, images take time). */
  options: { seed?: boolean; products?: number } = {},
): Promise<TestShop> {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-test-'))
  // The media folder is in the same temporary folder, removed at close.
  const fresh = await freshTestDatabase(dir)
  const config = testConfig({
    database: fresh.database,
    media: { storage: 'local', dir: join(dir, 'media') },
    ...overrides,
  })
  const db = createDb(config.database)
  await migrateToLatest(db)
  // One store for the seed, the tests and every app built on it (restarts too), closed with the shop.
  const media = await createMediaStorage(config.media)
  if (options.seed !== false)
    await seedDemo(db, {
      scrypt: config.passwordHashing,
      media,
      sizes: { products: options.products ?? 0 },
    })

  const shop: TestShop = {
    app: await buildApp(config, { mediaStorage: media }),
    db,
    config,
    media,
    async restart() {
      await shop.app.close()
      shop.app = await buildApp(config, { mediaStorage: media })
      return shop.app
    },
    async close() {
      await shop.app.close()
      await media.close()
      await db.destroy()
      await fresh.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return shop
}

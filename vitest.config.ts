import { defineConfig } from 'vitest/config'

const ALL = ['src/**/*.test.ts', 'db/**/*.test.ts']

/** Tests about SQLite itself (its plans, pragmas and files), or that choose PostgreSQL themselves: one run each. */
const RUN_ONCE = [
  'src/db/migrator.test.ts',
  'src/db/connection.test.ts',
  'src/modules/catalogue/query-plans.test.ts',
  'src/db/postgres.test.ts',
  'src/testing/postgres-server.test.ts',
  'src/plugins/database-unavailable.test.ts',
]

/**
 * What `npm test` runs on PostgreSQL as well: every test of a query that is
 * written for each database (src/db/dialect), of a rule triggers keep, and of
 * what several processes do at once (stock, claims, throttles, caches). The
 * rest of the suite passes there too (`npm run test:postgres`, project
 * postgres-all) but takes longer than CI's budget allows on two cores.
 */
const POSTGRES_CORE = [
  'src/db/**/*.test.ts',
  'src/modules/catalogue/**/*.test.ts',
  'src/modules/demo/**/*.test.ts',
  'src/modules/mail/**/*.test.ts',
  'src/modules/orders/**/*.test.ts',
  'src/modules/rate-limits/**/*.test.ts',
  'src/modules/settings/**/*.test.ts',
  'src/plugins/page-cache.test.ts',
  'src/routes/shop/checkout.test.ts',
  'src/routes/shop/products.test.ts',
  'src/routes/shop/search.test.ts',
  'src/routes/admin/customers.test.ts',
  'src/routes/admin/orders.test.ts',
  'src/routes/admin/products.test.ts',
  'src/routes/admin/dashboard.test.ts',
  'src/routes/auth/throttle.test.ts',
  'src/logging.test.ts',
]

const onPostgres = { TEST_DATABASE: 'postgres' }

export default defineConfig({
  test: {
    environment: 'node',
    // One PostgreSQL server for the run: the local one, or an embedded one started for it (never skipped).
    globalSetup: ['src/testing/postgres-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Vitest's default on two cores is one worker; a PostgreSQL test mostly waits on the server, so two overlap.
    maxWorkers: 2,
    // The suite on SQLite (the embedded default) and on PostgreSQL (src/testing/database.ts picks by TEST_DATABASE).
    projects: [
      { extends: true, test: { name: 'sqlite', include: ALL } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_CORE,
          exclude: ['**/node_modules/**', ...RUN_ONCE],
          env: onPostgres,
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres-all',
          include: ALL,
          exclude: ['**/node_modules/**', 'src/lib/**', ...RUN_ONCE],
          env: onPostgres,
        },
      },
    ],
  },
})

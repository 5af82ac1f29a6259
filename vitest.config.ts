import { defineConfig } from 'vitest/config'

/** Tests about SQLite itself (its plans, pragmas and files), or that choose PostgreSQL themselves: one run each. */
const RUN_ONCE = [
  'src/db/migrator.test.ts',
  'src/db/connection.test.ts',
  'src/modules/catalogue/query-plans.test.ts',
  'src/db/postgres.test.ts',
  'src/testing/postgres-server.test.ts',
  'src/plugins/database-unavailable.test.ts',
]

export default defineConfig({
  test: {
    environment: 'node',
    // One PostgreSQL server for the run: the local one, or an embedded one started for it (never skipped).
    globalSetup: ['src/testing/postgres-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The whole suite twice: on SQLite, the embedded default, and on PostgreSQL (src/testing/database.ts).
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['src/**/*.test.ts', 'db/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['src/**/*.test.ts', 'db/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'src/lib/**', ...RUN_ONCE],
          env: { TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
})

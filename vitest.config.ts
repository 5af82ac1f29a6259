import { defineConfig } from 'vitest/config'

const ALL = ['src/**/*.test.ts', 'db/**/*.test.ts']

/** Tests about SQLite itself (its plans, pragmas and files), or that choose PostgreSQL themselves: one run each. */
const RUN_ONCE = [
  'src/architecture.test.ts',
  'src/docs.test.ts',
  'src/db/migrator.test.ts',
  'src/db/connection.test.ts',
  'src/modules/catalogue/query-plans.test.ts',
  'src/db/postgres.test.ts',
  'src/testing/postgres-server.test.ts',
  'src/plugins/database-unavailable.test.ts',
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
    // A worker keeps the modules it has loaded from one test file to the next (of the same project: Vitest
    // gives each project workers of its own), which halves the run: importing the app afresh for each
    // file was most of it. Test files share no state but the database each makes for itself;
    // src/testing/database.test.ts fails if a file ever ran on the other project's database.
    isolate: false,
    // The suite on SQLite (the embedded default) and on PostgreSQL (src/testing/database.ts picks by TEST_DATABASE).
    projects: [
      { extends: true, test: { name: 'sqlite', include: ALL } },
      {
        extends: true,
        test: {
          name: 'postgres',
          // src/lib holds pure helpers that never open a database: once is enough.
          include: ALL,
          exclude: ['**/node_modules/**', 'src/lib/**', ...RUN_ONCE],
          env: onPostgres,
        },
      },
    ],
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'db/**/*.test.ts'],
    environment: 'node',
    // One PostgreSQL server for the run: the local one, or an embedded one started for it (never skipped).
    globalSetup: ['src/testing/postgres-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})

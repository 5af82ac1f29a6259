import { postgresServerUrl, stopPostgresServer } from './postgres-server.js'

/**
 * Vitest globalSetup: finds or starts one PostgreSQL server before any test
 * worker exists, so workers (which copy this process's environment when they
 * start) all reach it through TEST_POSTGRES_URL instead of each starting
 * their own embedded server.
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env.TEST_POSTGRES_URL = await postgresServerUrl()
  return stopPostgresServer
}

import { afterAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from './app.js'
import { testingOnPostgres } from './database.js'

// Test files share their worker's modules (isolate: false in vitest.config.ts). If a worker that
// loaded src/testing/database.ts for one project ran another project's files, those would quietly
// run on the wrong database: this file, run in both projects, fails when that happens.
describe('the test database', () => {
  let shop: TestShop | undefined
  afterAll(async () => shop?.close())

  it('is the one this project asks for', async () => {
    const wanted = process.env.TEST_DATABASE === 'postgres'
    expect(testingOnPostgres).toBe(wanted)
    shop = await buildTestApp()
    expect(shop.app.config.database.startsWith('postgres://')).toBe(wanted)
  })
})

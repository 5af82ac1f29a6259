import { connect, createServer, type Server, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../app.js'
import { createDb } from '../db/connection.js'
import { databaseUnavailable } from '../db/dialect/unavailable.js'
import { migrateToLatest } from '../db/migrator.js'
import { testConfig } from '../testing/app.js'
import { createTestDatabase, type TestDatabase } from '../testing/postgres-server.js'

describe('an error from a database that cannot answer', () => {
  it('is a 503 with a retry hint; any other error is not', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    expect(databaseUnavailable(refused)?.headers).toEqual({ 'retry-after': '5' })
    expect(databaseUnavailable(new Error('timeout exceeded when trying to connect'))?.statusCode).toBe(503)
    expect(databaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).not.toBeNull()
    expect(databaseUnavailable(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).not.toBeNull()
    expect(databaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull()
    expect(databaseUnavailable(new Error('something else'))).toBeNull()
  })
})

/**
 * A TCP relay in front of the test PostgreSQL server: closing it is the
 * database going away (connections cut, new ones refused); opening it again
 * on the same port is the database coming back.
 */
function relay(target: URL) {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  const open = () =>
    new Promise<void>((resolve) => {
      const listening = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      server = listening
      listening.listen(port, '127.0.0.1', () => {
        port = (listening.address() as { port: number }).port
        resolve()
      })
    })
  return {
    open,
    get port() {
      return port
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server?.close(() => resolve())
      }),
  }
}

describe('the shop on a PostgreSQL server that goes away', () => {
  let database: TestDatabase
  let app: FastifyInstance
  let proxy: ReturnType<typeof relay>
  beforeAll(async () => {
    database = await createTestDatabase('unavailable', process.env.TEST_POSTGRES_TEMPLATE)
    const direct = createDb(database.url)
    await migrateToLatest(direct)
    await direct.destroy()
    proxy = relay(new URL(database.url))
    await proxy.open()
    const url = new URL(database.url)
    url.port = String(proxy.port)
    app = await buildApp(
      testConfig({
        database: url.toString(),
        databasePool: { size: 2, statementTimeoutMs: 5000, connectionWaitMs: 2000 },
      }),
    )
  })
  afterAll(async () => {
    await app.close()
    await proxy.close()
    await database.drop()
  })

  it('answers 503 with Retry-After while it is away, never a stack trace, and serves again once it is back', async () => {
    expect((await app.inject({ url: '/products' })).statusCode).toBe(200)

    await proxy.close()
    const page = await app.inject({ url: '/products' })
    expect(page.statusCode).toBe(503)
    expect(page.headers['retry-after']).toBe('5')
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('Busy right now')
    expect(page.body).not.toMatch(/ECONNREFUSED|at .*\.js:\d+|postgres:\/\//)
    const api = await app.inject({ url: '/api/shop' })
    expect(api.statusCode).toBe(503)
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(api.headers['retry-after']).toBe('5')
    expect(api.json()).toMatchObject({ status: 503, detail: 'The shop cannot answer right now; try again shortly.' })

    await proxy.open()
    await expect.poll(async () => (await app.inject({ url: '/products' })).statusCode, { timeout: 10_000 }).toBe(200)
  })

  it('makes a request wait for a free connection, then answers 503 when none comes free in time', async () => {
    // Both of the pool's connections held (two long transactions elsewhere in the process).
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const holders = [1, 2].map(() => app.db.connection().execute(() => held))
    const started = Date.now()
    const page = await app.inject({ url: '/search?q=anything' })
    expect(page.statusCode).toBe(503)
    expect(page.headers['retry-after']).toBe('5')
    // It waited for a connection (connectionWaitMs), rather than failing at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_800)
    release()
    await Promise.all(holders)
    expect((await app.inject({ url: '/search?q=anything' })).statusCode).toBe(200)
  }, 20_000)
})

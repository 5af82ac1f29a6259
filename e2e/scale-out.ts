import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import http from 'node:http'
import { connect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../src/testing/free-port.js'
import {
  type AccessLogEntry,
  nginxTestMainConfig,
  parseAccessLog,
  renderNginxSite,
} from '../src/testing/nginx-config.js'
import { createTestDatabase } from '../src/testing/postgres-server.js'
import { findProgram } from '../src/testing/programs.js'
import { startTestS3 } from '../src/testing/s3.js'
import { startSmtpServer } from '../src/testing/smtp.js'
import { test as base, expect } from './fixtures.js'
import type { RunningShop } from './server.js'

const run = promisify(execFile)

/** What an app process answered to a request sent to it directly, past nginx. */
export interface DirectResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One of the app processes behind nginx. */
export interface AppProcess {
  name: string
  /** host:port, as nginx's upstream and access log name it. */
  address: string
  /**
   * GET `path` from this process alone, past nginx, with the headers nginx
   * would add (the public Host, X-Forwarded-Proto: https, …) and, when given,
   * the visitor's cookies (`sid=…`).
   */
  get(path: string, options?: { cookie?: string }): Promise<DirectResponse>
}

/** The shop as deploy/README.md sets it up, on one machine: nginx (HTTPS) in front of app processes and a worker. */
export interface ScaledOutShop extends RunningShop {
  /** nginx's plain HTTP server, which only redirects to `url` (HTTPS). */
  httpUrl: string
  apps: AppProcess[]
  /** The requests nginx has logged so far, each with the app process that answered it. */
  accessLog(): AccessLogEntry[]
  /** nginx's error log (level error and worse): empty while nothing went wrong. */
  errorLog(): string
  /** Everything the processes printed, for a failed test's report. */
  output(): string
}

/**
 * The scale-out set-up of deploy/README.md, started for one test on this
 * machine: a fresh PostgreSQL database loaded with the demo shop; `apps`
 * app processes of the production build (RUN_WORKER=false, one
 * SESSION_SECRET, the page cache on, TRUST_PROXY=127.0.0.1, PUBLIC_URL the
 * nginx origin, the pictures in one S3 bucket served by s3rver); one worker process; a real SMTP
 * server; and the system's nginx running deploy/nginx.conf (rendered for
 * these ports by src/testing/nginx-config.ts) with a self-signed certificate
 * for 127.0.0.1. Requires nginx and openssl, and says how to install them
 * when they are missing: this set-up is never skipped quietly.
 */
export async function startScaledOutShop(options: { apps?: number } = {}): Promise<ScaledOutShop> {
  const nginx = findProgram('nginx', 'the scale-out test runs the shop behind the real nginx')
  const openssl = findProgram('openssl', 'the scale-out test makes a self-signed certificate for nginx with it')
  const started: Running[] = []
  const cleanups: (() => Promise<unknown> | unknown)[] = []
  const stopAll = async () => {
    // nginx first (no new requests), then the app processes and the worker, then what they use.
    for (const child of started.reverse()) await child.stop()
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  try {
    const dir = mkdtempSync(join(tmpdir(), 'shopfront-scale-out-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const postgres = await createTestDatabase('scale_out')
    cleanups.push(() => postgres.drop())
    const smtp = await startSmtpServer()
    cleanups.push(() => smtp.close())
    // The pictures in one bucket, as processes on several machines would keep them.
    const s3 = await startTestS3()
    cleanups.push(() => s3.stop())
    const bucket = s3.config()

    const httpPort = await freePort()
    const httpsPort = await freePort()
    const publicHost = `127.0.0.1:${httpsPort}`
    const url = `https://${publicHost}`
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: postgres.url,
      // Small pools: the test's PostgreSQL server is shared with every other test running now.
      DATABASE_POOL_SIZE: '4',
      PUBLIC_URL: url,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      TRUST_PROXY: '127.0.0.1',
      RUN_WORKER: 'false',
      PAGE_CACHE_MB: '16',
      MEDIA_STORAGE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: bucket.region,
      S3_BUCKET: bucket.bucket,
      S3_ACCESS_KEY_ID: bucket.accessKeyId,
      S3_SECRET_ACCESS_KEY: bucket.secretAccessKey,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'warn',
    }
    await run(process.execPath, ['dist/src/cli/seed.js'], { env })

    const apps: AppProcess[] = []
    const starting: Promise<void>[] = []
    for (const name of 'ABCDEFGH'.slice(0, options.apps ?? 2)) {
      const port = await freePort()
      const app = new Running(`app ${name}`, process.execPath, ['dist/src/server.js'], {
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
      })
      started.push(app)
      starting.push(app.waitFor('Shopfront is running at'))
      const origin = `http://127.0.0.1:${port}`
      apps.push({
        name,
        address: `127.0.0.1:${port}`,
        get: (path, o = {}) => directGet(origin, publicHost, path, o.cookie),
      })
    }
    const worker = new Running('worker', process.execPath, ['dist/src/cli/worker.js'], env)
    started.push(worker)
    starting.push(worker.waitFor('Shopfront worker is delivering email'))
    await Promise.all(starting)

    const nginxDir = join(dir, 'nginx')
    mkdirSync(nginxDir)
    // Run as root, nginx's workers become `nobody`, who must reach the temporary folders nginx makes here.
    if (userInfo().uid === 0) chmodSync(dir, 0o755)
    const certificate = join(nginxDir, 'cert.pem')
    const certificateKey = join(nginxDir, 'key.pem')
    await run(openssl, [
      ...['req', '-x509', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'],
      ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', certificateKey, '-out', certificate],
    ])
    chmodSync(certificateKey, 0o600)
    const siteFile = join(nginxDir, 'shopfront.conf')
    const template = readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8')
    const site = { upstreams: apps.map((a) => a.address), httpPort, httpsPort, serverName: '127.0.0.1' }
    await writeFile(siteFile, renderNginxSite(template, { ...site, certificate, certificateKey }))
    const mainFile = join(nginxDir, 'nginx.conf')
    await writeFile(mainFile, nginxTestMainConfig(nginxDir, siteFile))
    const errorLogFile = join(nginxDir, 'error.log')
    const server = new Running(
      'nginx',
      nginx,
      [
        ...['-p', nginxDir, '-c', mainFile, '-e', errorLogFile],
        '-g',
        `daemon off; pid ${join(nginxDir, 'nginx.pid')};`,
      ],
      undefined,
      'SIGTERM',
    )
    started.push(server)
    await server.whenAccepting(httpsPort, () => readIfThere(errorLogFile))

    const read = (file: string) => readIfThere(join(nginxDir, file))
    return {
      url,
      httpUrl: `http://127.0.0.1:${httpPort}`,
      database: postgres.url,
      mail: smtp.received,
      stripe: null,
      apps,
      accessLog: () => parseAccessLog(read('access.log')),
      errorLog: () => read('error.log'),
      output: () =>
        [...started.map((c) => `── ${c.name} ──\n${c.output}`), `── nginx error.log ──\n${read('error.log')}`].join(
          '\n',
        ),
      stop: stopAll,
    }
  } catch (error) {
    const output = started.map((c) => `── ${c.name} ──\n${c.output}`).join('\n')
    await stopAll()
    throw output ? new Error(`${(error as Error).message}\n${output}`, { cause: error }) : error
  }
}

/**
 * The journey's `shop` is the scaled-out one; its `url` (and so `baseURL`)
 * is nginx's HTTPS origin. The `page` fixture checks every page as usual.
 */
export const test = base.extend<{ shop: ScaledOutShop }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; it has none.
  shop: async ({}, use, testInfo) => {
    const shop = await startScaledOutShop()
    try {
      await use(shop)
    } finally {
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('processes', { body: shop.output(), contentType: 'text/plain' })
      await shop.stop()
    }
  },
})

export { expect }

function readIfThere(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

function directGet(origin: string, publicHost: string, path: string, cookie?: string): Promise<DirectResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      host: publicHost,
      'x-forwarded-host': publicHost,
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '127.0.0.1',
      ...(cookie ? { cookie } : {}),
    }
    const request = http.get(`${origin}${path}`, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
      response.on('error', reject)
    })
    request.on('error', reject)
  })
}

/** A child process whose output is kept, stopped with SIGTERM (SIGKILL if it takes too long) and at the latest when the test runner exits. */
class Running {
  output = ''
  private readonly child: ChildProcess
  private readonly exited: Promise<void>
  private readonly killAtExit: () => void

  /** `atExit`: nginx's master is stopped with SIGTERM, which takes its workers down with it; SIGKILL would orphan them. */
  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env?: Record<string, string>,
    atExit: NodeJS.Signals = 'SIGKILL',
  ) {
    this.killAtExit = () => this.child.kill(atExit)
    this.child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()))
    const keep = (chunk: Buffer) => {
      this.output += chunk
    }
    this.child.stdout?.on('data', keep)
    this.child.stderr?.on('data', keep)
    // A test runner that ends abruptly (a timed-out test) must not leave the set-up running.
    process.once('exit', this.killAtExit)
  }

  waitFor(text: string, ms = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not print “${text}” within ${ms} ms`)), ms)
      const check = () => {
        if (!this.output.includes(text)) return
        clearTimeout(timer)
        resolve()
      }
      this.child.stdout?.on('data', check)
      this.child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${this.name} exited with ${code} before it was ready`))
      })
      check()
    })
  }

  /** Resolves once something accepts connections on the port; rejects if this process exits first. */
  async whenAccepting(port: number, log: () => string, ms = 15_000): Promise<void> {
    const until = Date.now() + ms
    while (Date.now() < until) {
      if (this.child.exitCode !== null) break
      if (await accepts(port)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`${this.name} is not accepting connections on port ${port}:\n${this.output}${log()}`)
  }

  async stop(): Promise<void> {
    process.off('exit', this.killAtExit)
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000)
    this.child.kill('SIGTERM')
    await this.exited
    clearTimeout(timer)
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

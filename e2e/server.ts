import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type FakeStripe, startFakeStripe } from '../src/testing/fake-stripe.js'
import { freePort } from '../src/testing/free-port.js'
import { createTestDatabase } from '../src/testing/postgres-server.js'
import { type ReceivedMail, startSmtpServer } from '../src/testing/smtp.js'

export interface RunningShop {
  url: string
  /** Its DATABASE_URL: a SQLite file, or a PostgreSQL database of its own. */
  database: string
  /** Every email the shop sent, as its SMTP server received it. */
  mail: ReceivedMail[]
  /** The stand-in for Stripe's API and payment page, when the shop was started with Stripe keys. */
  stripe: FakeStripe | null
  stop(): Promise<void>
}

const run = promisify(execFile)

/**
 * The real production build (npm run build) on a fresh database of its own:
 * migrated and loaded with the demo shop by the seed command, then served on
 * a free port, sending its email to a real SMTP server of its own. Each
 * journey gets one, so no journey sees another's data or mail. With
 * `database: 'postgres'` the database is a fresh one on the test PostgreSQL
 * server (src/testing/postgres-server.ts) instead of a SQLite file. With
 * `stripe`, it takes card payments through a local stand-in for Stripe,
 * whose webhooks the journey sends when it chooses.
 */
export async function startShop(
  options: { stripe?: boolean; database?: 'sqlite' | 'postgres' } = {},
): Promise<RunningShop> {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-e2e-'))
  const postgres = options.database === 'postgres' ? await createTestDatabase('e2e') : null
  const smtp = await startSmtpServer()
  const stripe = options.stripe ? await startFakeStripe({ autoDeliver: false }) : null
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: postgres?.url ?? join(dir, 'shop.sqlite'),
    LOG_LEVEL: 'warn',
    SMTP_URL: smtp.url,
    ...(stripe
      ? { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_URL: stripe.url }
      : {}),
  }
  await run(process.execPath, ['dist/src/cli/seed.js'], { env })

  const server = spawn(process.execPath, ['dist/src/server.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  // A worker that ends abruptly (a timed-out journey) must not leave its shop running.
  const orphanGuard = () => server.kill('SIGKILL')
  process.once('exit', orphanGuard)
  await listening(server)
  return {
    url,
    database: env.DATABASE_URL,
    mail: smtp.received,
    stripe,
    async stop() {
      process.off('exit', orphanGuard)
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve))
        server.kill('SIGTERM')
        await exited
      }
      await smtp.close()
      await stripe?.close()
      await postgres?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function listening(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk
      if (output.includes('Shopfront is running at')) resolve()
    }
    server.stdout?.on('data', onData)
    server.stderr?.on('data', (chunk: Buffer) => {
      output += chunk
    })
    server.once('exit', (code) => reject(new Error(`the shop exited with ${code} before listening:\n${output}`)))
  })
}

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from './app.js'
import { createDb } from './db/connection.js'
import { migrateToLatest } from './db/migrator.js'
import { projectRoot } from './lib/paths.js'
import { enqueueEmail } from './modules/mail/mail.service.js'
import { getShopSettings } from './modules/settings/settings.service.js'
import { testConfig } from './testing/app.js'
import { startSmtpServer } from './testing/smtp.js'

const tempDatabase = () => join(mkdtempSync(join(tmpdir(), 'shopfront-server-')), 'shop.sqlite')

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then refuses new ones and closes the database', async () => {
    const config = testConfig({ database: tempDatabase() })
    const setup = createDb(config.database)
    await migrateToLatest(setup)
    await setup.destroy()

    const app = await buildApp(config)
    let arrived: () => void = () => {}
    const inHandler = new Promise<void>((resolve) => {
      arrived = resolve
    })
    app.get('/slow', async () => {
      arrived()
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { finished: true }
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }

    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)

    const slow = fetch(`http://127.0.0.1:${port}/slow`)
    await inHandler
    const closing = app.close()
    const response = await slow
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ finished: true })
    await closing

    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
    await expect(sql`select 1`.execute(app.db)).rejects.toThrow()
  })
})

describe('the server process', () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  function start(env: Record<string, string>, script = 'src/server.ts') {
    const proc = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = proc
    let stdout = ''
    let stderr = ''
    proc.stdout?.on('data', (d) => {
      stdout += d
    })
    proc.stderr?.on('data', (d) => {
      stderr += d
    })
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
    return { proc, exited, out: () => stdout, err: () => stderr }
  }

  it('prints a one-time link to create the owner when a production shop has none', async () => {
    const server = start({
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://127.0.0.1:39217',
      HOST: '127.0.0.1',
      PORT: '39217',
      DATABASE_URL: tempDatabase(),
      SESSION_SECRET: 's'.repeat(40),
      SMTP_URL: 'smtp://127.0.0.1:2',
      LOG_LEVEL: 'warn',
    })
    await expect.poll(() => server.out(), { timeout: 15_000 }).toMatch(/\/setup\?token=[\w-]{43}/)
    expect(server.out()).toContain('The shop has no owner yet.')
    const link = /(http:\/\/\S+\/setup\?token=[\w-]+)/.exec(server.out())?.[1] as string
    expect((await fetch(link)).status).toBe(200)
    server.proc.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })

  it('stops at boot with one line naming a missing production setting', async () => {
    const server = start({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://shop.example.com',
      DATABASE_URL: tempDatabase(),
    })
    expect(await server.exited).toBe(1)
    expect(server.err().trim().split('\n')).toEqual([
      'Configuration error: SESSION_SECRET is required in production (a random string of at least 32 characters)',
    ])
  })

  it('migrates, loads the demo shop, serves it, and stops cleanly on SIGTERM', async () => {
    const database = tempDatabase()
    const server = start({
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database,
      SESSION_SECRET: 's'.repeat(40),
      LOG_LEVEL: 'warn',
    })
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Shopfront is running at (http:\/\/\S+)/.exec(server.out())
        if (match?.[1]) {
          clearInterval(timer)
          resolve(match[1])
        }
      }, 50)
      server.exited.then((code) => {
        clearInterval(timer)
        reject(new Error(`server exited with ${code}: ${server.err()}`))
      })
    })
    const home = await fetch(url)
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Juniper &amp; Pine')

    expect(server.out()).toContain('owner    owner@juniper-and-pine.example  password: juniper owner demo')
    server.proc.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.out()).toContain('Shopfront stopped.')
    // A clean close checkpoints the write-ahead log into the database file and removes it.
    expect(existsSync(`${database}-wal`)).toBe(false)
    // A process start, migrations and the whole demo shop (its pictures drawn, its orders placed): seconds, more on a busy machine.
  }, 60_000)

  it('npm run worker delivers the outbox in a process of its own and stops on SIGTERM', async () => {
    const database = tempDatabase()
    const db = createDb(database)
    await migrateToLatest(db)
    await enqueueEmail(db, {
      template: 'contact-message',
      to: 'owner@example.com',
      subject: 'Contact form: Hello',
      data: { message: { name: 'Ada', email: 'ada@example.com', subject: 'Hello', message: 'Hi there.' } },
      shop: await getShopSettings(db),
      baseUrl: 'http://localhost:3000',
    })
    await db.destroy()
    const smtp = await startSmtpServer()
    const worker = start(
      { NODE_ENV: 'development', DATABASE_URL: database, SESSION_SECRET: 's'.repeat(40), SMTP_URL: smtp.url },
      'src/cli/worker.ts',
    )
    await expect.poll(() => smtp.received.length, { timeout: 10_000 }).toBe(1)
    expect(smtp.received[0]?.to).toEqual(['owner@example.com'])
    worker.proc.kill('SIGTERM')
    expect(await worker.exited).toBe(0)
    expect(worker.out()).toContain('Shopfront worker stopped.')
    await smtp.close()
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { type OpenTestDb, openTestDb } from '../../testing/database.js'
import { changeEmails } from '../../testing/mail.js'
import { startSmtpServer, type TestSmtpServer } from '../../testing/smtp.js'
import { getShopSettings, updateShopSettings } from '../settings/settings.service.js'
import { enqueueEmail } from './mail.service.js'
import { mailboxTransport, smtpTransport } from './mail.transport.js'
import { deliverDueEmails, MAX_ATTEMPTS, retryDelayMs, startMailWorker } from './mail.worker.js'

describe('retryDelayMs', () => {
  it('doubles from 30 seconds up to an hour', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000])
    expect(retryDelayMs(20)).toBe(3_600_000)
  })
})

describe('the mail worker', () => {
  let handle: OpenTestDb
  let db: Db
  let smtp: TestSmtpServer | undefined
  beforeEach(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
    await updateShopSettings(db, { shopName: 'Juniper & Pine' })
  })
  afterEach(async () => {
    await smtp?.close()
    smtp = undefined
    await handle.close()
  })

  async function enqueue(to = 'owner@example.com') {
    return enqueueEmail(db, {
      template: 'contact-message',
      to,
      replyTo: 'ada@example.com',
      subject: 'Contact form: Wholesale & more',
      data: {
        message: { name: 'Ada <Lovelace>', email: 'ada@example.com', subject: 'Wholesale', message: 'Hello & welcome' },
      },
      shop: await getShopSettings(db),
      baseUrl: 'https://shop.example.com',
    })
  }

  const options = (url: string, at?: Date) => ({
    db,
    transport: smtpTransport(url),
    fromAddress: 'shop@example.com',
    messageIdDomain: 'shop.example.com',
    ...(at ? { now: () => at } : {}),
  })

  it('renders both parts in the shop’s name, escaping HTML only in the HTML part', async () => {
    const email = await enqueue()
    expect(email.html).toContain('Ada &lt;Lovelace&gt;')
    expect(email.html).toContain('<a href="https://shop.example.com/"')
    expect(email.text).toContain('From: Ada <Lovelace> <ada@example.com>')
    expect(email.text).toContain('Hello & welcome')
    expect(email.text).toContain('Juniper & Pine\nhttps://shop.example.com/')
  })

  it('delivers through a real SMTP server, once, and records it', async () => {
    smtp = await startSmtpServer()
    const email = await enqueue()
    expect(await deliverDueEmails(options(smtp.url))).toEqual({ sent: 1, failed: 0 })
    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]
    expect(mail?.to).toEqual(['owner@example.com'])
    expect(mail?.from).toBe('shop@example.com')
    expect(mail?.raw).toContain('From: "Juniper & Pine" <shop@example.com>')
    expect(mail?.raw).toContain('Reply-To: ada@example.com')
    expect(mail?.raw).toContain(`Message-ID: <outbox-${email.id}@shop.example.com>`)
    expect(mail?.raw).toContain('Content-Type: text/plain')
    expect(mail?.raw).toContain('Content-Type: text/html')

    const row = await db.selectFrom('outbox_emails').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'sent', attempts: 1, transport: 'smtp', last_error: null })
    expect(row.sent_at).toMatch(/Z$/)

    expect(await deliverDueEmails(options(smtp.url))).toEqual({ sent: 0, failed: 0 })
    expect(smtp.received).toHaveLength(1)
  })

  it('retries with backoff when the server fails the first attempt', async () => {
    smtp = await startSmtpServer({ failFirst: 1 })
    await enqueue()
    const start = new Date()
    expect(await deliverDueEmails(options(smtp.url, start))).toEqual({ sent: 0, failed: 1 })
    let row = await db.selectFrom('outbox_emails').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: new Date(start.getTime() + 30_000).toISOString(),
    })
    expect(row.last_error).toMatch(/451/)

    // Not due yet: nothing is tried.
    expect(await deliverDueEmails(options(smtp.url, new Date(start.getTime() + 10_000)))).toEqual({
      sent: 0,
      failed: 0,
    })
    expect(await deliverDueEmails(options(smtp.url, new Date(start.getTime() + 31_000)))).toEqual({
      sent: 1,
      failed: 0,
    })
    row = await db.selectFrom('outbox_emails').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
    expect(smtp.received).toHaveLength(1)
  })

  it('gives up after the last attempt and marks the email failed', async () => {
    smtp = await startSmtpServer({ failFirst: 100 })
    await enqueue()
    let at = new Date()
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await deliverDueEmails(options(smtp.url, at))).toEqual({ sent: 0, failed: 1 })
      at = new Date(at.getTime() + retryDelayMs(attempt) + 1)
    }
    const row = await db.selectFrom('outbox_emails').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS })
    expect(await deliverDueEmails(options(smtp.url, new Date(at.getTime() + 86_400_000)))).toEqual({
      sent: 0,
      failed: 0,
    })
  })

  it('never sends an email twice when two workers run at once', async () => {
    smtp = await startSmtpServer()
    for (let i = 0; i < 10; i++) await enqueue(`owner${i}@example.com`)
    const [a, b] = await Promise.all([deliverDueEmails(options(smtp.url)), deliverDueEmails(options(smtp.url))])
    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(10)
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `owner${i}@example.com`).sort(),
    )
  })

  it('takes over an email whose worker died holding it, once the hold runs out', async () => {
    smtp = await startSmtpServer()
    await enqueue()
    const now = new Date()
    await changeEmails(db, { status: 'sending', locked_until: new Date(now.getTime() + 60_000).toISOString() })
    expect(await deliverDueEmails(options(smtp.url, now))).toEqual({ sent: 0, failed: 0 })
    expect(await deliverDueEmails(options(smtp.url, new Date(now.getTime() + 61_000)))).toEqual({ sent: 1, failed: 0 })
  })

  it('keeps mail in the database when there is no SMTP server (development)', async () => {
    await enqueue()
    await deliverDueEmails({
      db,
      transport: mailboxTransport,
      fromAddress: 'shop@example.com',
      messageIdDomain: 'localhost',
    })
    expect(await db.selectFrom('outbox_emails').selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: 'sent',
      transport: 'mailbox',
    })
  })

  it('runs in the background, sends when woken, and stops cleanly', async () => {
    smtp = await startSmtpServer()
    const worker = startMailWorker({ ...options(smtp.url), intervalMs: 60_000 })
    await enqueue()
    worker.wake()
    await expect.poll(() => smtp?.received.length, { timeout: 5_000 }).toBe(1)
    await worker.stop()
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { countContactMessages } from '../modules/contact/contact.repository.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { postForm } from '../testing/http.js'
import { startSmtpServer, type TestSmtpServer } from '../testing/smtp.js'

const valid = { name: 'Ada Lovelace', email: 'ada@example.com', subject: 'Wholesale', message: 'Do you sell to shops?' }

describe('a contact message reaches the shop by email', () => {
  let shop: TestShop
  let smtp: TestSmtpServer
  afterEach(async () => {
    await shop.close()
    await smtp?.close()
  })

  it('through the worker inside the server, with the shopper as Reply-To', async () => {
    smtp = await startSmtpServer()
    shop = await buildTestApp({ smtpUrl: smtp.url, runWorker: true })
    await shop.app.ready()
    const response = await postForm(shop.app, '/contact', valid)
    expect(response.statusCode).toBe(303)
    await expect.poll(() => smtp.received.length, { timeout: 5_000 }).toBe(1)
    expect(smtp.received[0]?.to).toEqual(['hello@juniper-and-pine.example'])
    expect(smtp.received[0]?.raw).toContain('Subject: Contact form: Wholesale')
    expect(smtp.received[0]?.raw).toContain('Reply-To: ada@example.com')
  })

  it('in the same transaction as the message: if the email cannot be queued, nothing is kept', async () => {
    shop = await buildTestApp()
    await shop.db.schema.dropTable('outbox_emails').execute()
    const response = await postForm(shop.app, '/contact', valid)
    expect(response.statusCode).toBe(500)
    expect(await countContactMessages(shop.db)).toBe(0)
  })

  it('not at all when the shop has no contact address; the message is still kept', async () => {
    shop = await buildTestApp({}, { seed: false })
    expect((await postForm(shop.app, '/contact', valid)).statusCode).toBe(303)
    expect(await countContactMessages(shop.db)).toBe(1)
    expect(await shop.db.selectFrom('outbox_emails').selectAll().execute()).toHaveLength(0)
  })
})

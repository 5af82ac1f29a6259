import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countContactMessages } from '../../modules/contact/contact.repository.js'
import { CONTACT_MESSAGES_PER_CLIENT_PER_HOUR } from '../../modules/contact/contact.service.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'

describe('POST /api/contact-messages', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it('creates a message with 201, no session and no cookie', async () => {
    const response = await shop.app.inject({
      method: 'POST',
      url: '/api/contact-messages',
      payload: { name: 'Ada', email: 'ada@example.com', subject: 'Hi', message: 'From the mobile app.' },
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ id: expect.any(Number), createdAt: expect.stringMatching(/Z$/) })
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(await countContactMessages(shop.db)).toBe(1)
  })

  it('answers 422 problem+json with the same messages as the HTML form', async () => {
    const response = await shop.app.inject({ method: 'POST', url: '/api/contact-messages', payload: { email: 'x' } })
    expect(response.statusCode).toBe(422)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Unprocessable content',
      status: 422,
      detail: 'Some fields need to be corrected.',
      errors: {
        name: 'Enter your name',
        email: 'Enter an email address in the correct format, like name@example.com',
        subject: 'Enter a subject',
        message: 'Enter your message',
      },
    })
    expect(await countContactMessages(shop.db)).toBe(1)
  })

  it('refuses a request a browser marks cross-site, and changes nothing', async () => {
    const response = await shop.app.inject({
      method: 'POST',
      url: '/api/contact-messages',
      headers: { origin: 'https://evil.example' },
      payload: { name: 'Ada', email: 'ada@example.com', subject: 'Hi', message: 'From another site.' },
    })
    expect(response.statusCode).toBe(403)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(await countContactMessages(shop.db)).toBe(1)
  })

  it('refuses a form-encoded body with 415', async () => {
    const response = await shop.app.inject({
      method: 'POST',
      url: '/api/contact-messages',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Ada',
    })
    expect(response.statusCode).toBe(415)
    expect(response.json().detail).toBe('Send the request body as application/json.')
  })
})

describe('POST /api/contact-messages, limited per client address', () => {
  const LIMIT = CONTACT_MESSAGES_PER_CLIENT_PER_HOUR
  const message = { name: 'Ada', email: 'ada@example.com', subject: 'Hi', message: 'From the mobile app.' }
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  const sendFrom = (remoteAddress: string) =>
    shop.app.inject({ method: 'POST', url: '/api/contact-messages', remoteAddress, payload: message })
  const emailCount = async () => (await shop.db.selectFrom('outbox_emails').select('id').execute()).length

  it(`answers 429 problem+json with Retry-After after ${LIMIT} messages an hour, and keeps and sends nothing`, async () => {
    for (let i = 0; i < LIMIT; i++) expect((await sendFrom('203.0.113.30')).statusCode).toBe(201)
    const [messages, emails] = [await countContactMessages(shop.db), await emailCount()]

    const refused = await sendFrom('203.0.113.30')
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(refused.headers['cache-control']).toBe('no-store')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3590)
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600)
    expect(refused.headers['set-cookie']).toBeUndefined()
    expect(refused.json()).toEqual({
      type: 'about:blank',
      title: 'Too many requests',
      status: 429,
      detail:
        'Too many messages have been sent from your internet connection in the past hour. Wait 60 minutes, then try again.',
    })
    expect(await countContactMessages(shop.db)).toBe(messages)
    expect(await emailCount()).toBe(emails)
  })

  it('counts each client address on its own', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await sendFrom('203.0.113.31')).statusCode).toBe(201)
    expect((await sendFrom('203.0.113.31')).statusCode).toBe(429)
    expect((await sendFrom('203.0.113.32')).statusCode).toBe(201)
  })

  it(`lets exactly ${LIMIT} of 20 simultaneous messages from one client address through`, async () => {
    const before = await countContactMessages(shop.db)
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendFrom('203.0.113.33')))
    const statuses = responses.map((r) => r.statusCode)
    expect(statuses.filter((s) => s === 201)).toHaveLength(LIMIT)
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT)
    expect(await countContactMessages(shop.db)).toBe(before + LIMIT)
  })
})

describe('GET /api/shop', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it('describes the shop from its settings', async () => {
    const response = await shop.app.inject({ url: '/api/shop' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ name: 'Juniper & Pine', currency: 'GBP', locale: 'en-GB' })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countContactMessages } from '../../modules/contact/contact.repository.js'
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

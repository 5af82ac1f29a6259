import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { countContactMessages } from '../modules/contact/contact.repository.js'
import { CONTACT_MESSAGES_PER_CLIENT_PER_HOUR } from '../modules/contact/contact.service.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { emptyTables } from '../testing/database.js'
import { htmlErrors } from '../testing/html.js'
import { csrfTokenIn, postForm, SAME_ORIGIN, sessionCookie } from '../testing/http.js'

const valid = { name: 'Ada Lovelace', email: 'Ada@Example.com', subject: 'Wholesale', message: 'Do you sell to shops?' }

describe('the contact form', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  beforeEach(async () => {
    // Every test starts with no message, and the client's messages of the hour unused.
    await emptyTables(shop.db, 'contact_messages', 'rate_limit_hits')
  })
  afterAll(() => shop.close())

  it('shows a labelled form with a heading, title and description', async () => {
    const response = await shop.app.inject({ url: '/contact' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<title>Contact us · Juniper &amp; Pine</title>')
    expect(response.body).toContain('<meta name="description" content="Send the shop a message.')
    expect(response.body).toContain('<label for="f-email">Email address')
    expect(response.body).toContain('<form method="post" action="/contact" novalidate')
  })

  it('keeps a valid message and redirects with 303 to a thank-you flash', async () => {
    const response = await postForm(shop.app, '/contact', valid)
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/contact')
    const saved = await shop.db.selectFrom('contact_messages').selectAll().execute()
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', subject: 'Wholesale' })

    const cookie = sessionCookie(response) as string
    const next = await shop.app.inject({ url: '/contact', headers: { cookie } })
    expect(next.body).toContain('role="status"')
    expect(next.body).toContain(
      'Thank you, Ada Lovelace. Your message has been sent; we will reply to ada@example.com.',
    )
    const again = await shop.app.inject({ url: '/contact', headers: { cookie } })
    expect(again.body).not.toContain('Thank you')
  })

  it('re-renders with 422, the values kept, a message per field and an error summary', async () => {
    const response = await postForm(shop.app, '/contact', {
      name: 'Ada',
      email: 'not-an-email',
      subject: '',
      message: 'short',
    })
    expect(response.statusCode).toBe(422)
    expect(response.headers['cache-control']).toBe('no-store')
    const html = response.body
    expect(html).toContain('There are 3 problems with what you entered')
    expect(html).toContain('<a href="#f-email">Enter an email address in the correct format, like name@example.com</a>')
    expect(html).toContain('<a href="#f-subject">Enter a subject</a>')
    expect(html).toContain('<a href="#f-message">Your message must be at least 10 characters</a>')
    expect(html).toMatch(/class="error-summary"[^>]*autofocus/)
    expect(html).toContain('value="Ada"')
    expect(html).toContain('value="not-an-email"')
    expect(html).toContain('>short</textarea>')
    expect(html).toMatch(/id="f-email"[^>]*aria-describedby="f-email-hint f-email-error"[^>]*aria-invalid="true"/)
    expect(await countContactMessages(shop.db)).toBe(0)
  })

  it('escapes what was submitted when showing it again', async () => {
    const response = await postForm(shop.app, '/contact', { ...valid, name: '<script>alert(1)</script>', email: '' })
    expect(response.statusCode).toBe(422)
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"')
  })

  it('refuses fields over their limits with a clear message', async () => {
    const response = await postForm(shop.app, '/contact', { ...valid, name: 'n'.repeat(101) })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Your name must be 100 characters or fewer')
  })

  it('treats a field sent twice as a mistake, not a crash', async () => {
    const response = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' },
      payload: 'name=a&name=b&email=a%40b.co&subject=s&message=long%20enough%20text',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Enter your name')
    expect(await countContactMessages(shop.db)).toBe(0)
  })

  describe('limit per client address', () => {
    const LIMIT = CONTACT_MESSAGES_PER_CLIENT_PER_HOUR
    /** A message sent from a browser at this client address. */
    const sendFrom = (remoteAddress: string, fields: Record<string, string> = valid, cookie?: string) =>
      shop.app.inject({
        method: 'POST',
        url: '/contact',
        remoteAddress,
        payload: new URLSearchParams(fields).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: SAME_ORIGIN,
          ...(cookie ? { cookie } : {}),
        },
      })
    const sendByApiFrom = (remoteAddress: string) =>
      shop.app.inject({ method: 'POST', url: '/api/contact-messages', remoteAddress, payload: valid })
    const emailCount = async () => (await shop.db.selectFrom('outbox_emails').select('id').execute()).length

    it(`lets ${LIMIT} messages an hour through, then shows the form again with 429, how long to wait and the message kept`, async () => {
      for (let i = 0; i < LIMIT; i++) expect((await sendFrom('203.0.113.20')).statusCode).toBe(303)
      expect(await countContactMessages(shop.db)).toBe(LIMIT)
      const emails = await emailCount()
      const sessions = await shop.db.selectFrom('sessions').select('id').execute()

      const refused = await sendFrom('203.0.113.20', {
        ...valid,
        subject: 'One more',
        message: 'Please read this one too.',
      })
      expect(refused.statusCode).toBe(429)
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3590)
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600)
      expect(refused.headers['cache-control']).toBe('no-store')
      expect(refused.body).toContain('Please wait before you send another message')
      expect(refused.body).toContain(
        'Too many messages have been sent from your internet connection in the past hour. Wait 60 minutes, then try again.',
      )
      expect(refused.body).toMatch(/class="error-summary" role="alert"[^>]*autofocus/)
      expect(refused.body).toContain('value="One more"')
      expect(refused.body).toContain('>Please read this one too.</textarea>')
      expect(await htmlErrors(refused.body)).toEqual([])
      // Nothing kept, nothing sent, no session started.
      expect(refused.headers['set-cookie']).toBeUndefined()
      expect(await countContactMessages(shop.db)).toBe(LIMIT)
      expect(await emailCount()).toBe(emails)
      expect(await shop.db.selectFrom('sessions').select('id').execute()).toEqual(sessions)
    })

    it('refuses a visitor with a session the same way, with the form still carrying their token', async () => {
      const first = await sendFrom('203.0.113.21')
      const cookie = sessionCookie(first) as string
      const page = await shop.app.inject({ url: '/contact', headers: { cookie } })
      const token = csrfTokenIn(page.body) as string
      for (let i = 1; i < LIMIT; i++) {
        expect((await sendFrom('203.0.113.21', { ...valid, _csrf: token }, cookie)).statusCode).toBe(303)
      }
      const refused = await sendFrom('203.0.113.21', { ...valid, _csrf: token }, cookie)
      expect(refused.statusCode).toBe(429)
      // The form can be sent again once the wait is over: it carries a token for the visitor's session.
      expect(csrfTokenIn(refused.body)).toBeDefined()
    })

    it('counts the form and the API together, and each client address on its own', async () => {
      for (let i = 0; i < LIMIT - 2; i++) expect((await sendFrom('203.0.113.22')).statusCode).toBe(303)
      for (let i = 0; i < 2; i++) expect((await sendByApiFrom('203.0.113.22')).statusCode).toBe(201)
      expect((await sendFrom('203.0.113.22')).statusCode).toBe(429)
      expect((await sendByApiFrom('203.0.113.22')).statusCode).toBe(429)
      expect((await sendFrom('203.0.113.23')).statusCode).toBe(303)
      expect((await sendByApiFrom('203.0.113.23')).statusCode).toBe(201)
      expect(await countContactMessages(shop.db)).toBe(LIMIT + 2)
    })

    it('does not count a message with mistakes, which still gets 422 over the limit', async () => {
      for (let i = 0; i < LIMIT + 1; i++) {
        expect((await sendFrom('203.0.113.24', { ...valid, email: 'nope' })).statusCode).toBe(422)
      }
      for (let i = 0; i < LIMIT; i++) expect((await sendFrom('203.0.113.24')).statusCode).toBe(303)
      expect((await sendFrom('203.0.113.24', { ...valid, email: 'nope' })).statusCode).toBe(422)
    })

    it(`lets exactly ${LIMIT} of 20 simultaneous messages from one client address through`, async () => {
      const emails = await emailCount()
      const responses = await Promise.all(Array.from({ length: 20 }, () => sendFrom('203.0.113.25')))
      const statuses = responses.map((r) => r.statusCode)
      expect(statuses.filter((s) => s === 303)).toHaveLength(LIMIT)
      expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT)
      expect(await countContactMessages(shop.db)).toBe(LIMIT)
      expect(await emailCount()).toBe(emails + LIMIT)
    })
  })
})

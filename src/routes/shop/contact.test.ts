import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { countContactMessages } from '../../modules/contact/contact.repository.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { postForm, sessionCookie } from '../../testing/http.js'

const valid = { name: 'Ada Lovelace', email: 'Ada@Example.com', subject: 'Wholesale', message: 'Do you sell to shops?' }

describe('the contact form', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  beforeEach(() => shop.db.deleteFrom('contact_messages').execute())
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
})

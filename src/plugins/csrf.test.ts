import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countContactMessages } from '../modules/contact/contact.repository.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { emptyTables } from '../testing/database.js'
import { csrfTokenIn, postForm, SAME_ORIGIN, sessionCookie } from '../testing/http.js'
import { originVerdict } from './csrf.js'

const message = { name: 'Ada', email: 'ada@example.com', subject: 'Hello', message: 'A message long enough.' }

describe('originVerdict', () => {
  const site = 'https://shop.example.com'
  it('trusts Sec-Fetch-Site first', () => {
    expect(originVerdict({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }, site)).toBe('same')
    expect(originVerdict({ 'sec-fetch-site': 'none' }, site)).toBe('same')
    expect(originVerdict({ 'sec-fetch-site': 'cross-site', origin: site }, site)).toBe('cross')
    expect(originVerdict({ 'sec-fetch-site': 'same-site' }, site)).toBe('cross')
  })
  it('falls back to Origin', () => {
    expect(originVerdict({ origin: site }, site)).toBe('same')
    expect(originVerdict({ origin: 'https://shop.example.com.evil.example' }, site)).toBe('cross')
    expect(originVerdict({ origin: 'null' }, site)).toBe('cross')
  })
  it('is unknown with neither header', () => {
    expect(originVerdict({}, site)).toBe('unknown')
  })
})

describe('cross-site request forgery protection', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  async function refusedWithoutChange(response: Awaited<ReturnType<typeof postForm>>) {
    expect(response.statusCode).toBe(403)
    expect(response.headers['content-type']).toMatch(/text\/html/)
    expect(response.body).toContain('This form could not be sent')
    expect(await countContactMessages(shop.db)).toBe(0)
  }

  it('refuses a form from another site and changes nothing', async () => {
    await refusedWithoutChange(
      await postForm(shop.app, '/contact', message, { headers: { origin: 'https://evil.example' } }),
    )
  })

  it('refuses a form a browser marks cross-site, whatever its Origin says', async () => {
    const response = await postForm(shop.app, '/contact', message, {
      headers: { 'sec-fetch-site': 'cross-site', origin: SAME_ORIGIN },
    })
    await refusedWithoutChange(response)
  })

  it('refuses a session-less form that carries neither Origin nor Sec-Fetch-Site', async () => {
    const response = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(message).toString(),
    })
    await refusedWithoutChange(response)
  })

  it('accepts a session-less form from this site by its headers alone', async () => {
    const response = await postForm(shop.app, '/contact', message, { headers: { 'sec-fetch-site': 'same-origin' } })
    expect(response.statusCode).toBe(303)
    await emptyTables(shop.db, 'contact_messages')
  })

  it('requires the session-bound token once a session has one, and accepts it', async () => {
    // A first message starts a session (for its flash); the next page issues a token.
    const first = await postForm(shop.app, '/contact', message)
    const cookie = sessionCookie(first)
    expect(cookie).toBeDefined()
    const page = await shop.app.inject({ url: '/contact', headers: { cookie: cookie as string } })
    const token = csrfTokenIn(page.body)
    expect(token).toBeDefined()
    await emptyTables(shop.db, 'contact_messages')

    await refusedWithoutChange(await postForm(shop.app, '/contact', message, { cookie }))
    await refusedWithoutChange(await postForm(shop.app, '/contact', { ...message, _csrf: 'forged' }, { cookie }))
    // A token from another visitor's session is no good either.
    const other = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    await emptyTables(shop.db, 'contact_messages')
    const otherToken = csrfTokenIn((await shop.app.inject({ url: '/contact', headers: { cookie: other } })).body)
    await refusedWithoutChange(
      await postForm(shop.app, '/contact', { ...message, _csrf: otherToken as string }, { cookie }),
    )

    const accepted = await postForm(shop.app, '/contact', { ...message, _csrf: token as string }, { cookie })
    expect(accepted.statusCode).toBe(303)
    expect(await countContactMessages(shop.db)).toBe(1)
  })

  it('does not put a token, or a session, on the page of a visitor without one', async () => {
    const page = await shop.app.inject({ url: '/contact' })
    expect(csrfTokenIn(page.body)).toBeUndefined()
    expect(page.headers['set-cookie']).toBeUndefined()
  })
})

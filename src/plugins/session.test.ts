import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { changeSessions } from '../testing/factories.js'
import { postForm, sessionCookie } from '../testing/http.js'
import { mayUseSession } from './session.js'

const message = { name: 'Ada', email: 'ada@example.com', subject: 'Hello', message: 'A message long enough.' }

describe('sessions', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('gives an anonymous visitor no cookie and no session row, so public pages stay cacheable', async () => {
    shop = await buildTestApp()
    for (const url of ['/', '/contact', '/no-such-page']) {
      const response = await shop.app.inject({ url })
      expect(response.headers['set-cookie'], url).toBeUndefined()
      expect(response.headers['cache-control'], url).toMatch(/public/)
    }
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it('builds no session at all for a read without the session cookie, and one for anything else', () => {
    const request = (method: string, cookies: Record<string, string> | undefined) => ({ method, cookies }) as never
    expect(mayUseSession(request('GET', {}))).toBe(false)
    expect(mayUseSession(request('HEAD', { other: 'x' }))).toBe(false)
    // A request refused before its cookies were read (a foreign Host) has none.
    expect(mayUseSession(request('GET', undefined))).toBe(false)
    expect(mayUseSession(request('GET', { sid: 'x' }))).toBe(true)
    expect(mayUseSession(request('POST', {}))).toBe(true)
    expect(mayUseSession(request('DELETE', {}))).toBe(true)
  })

  it('starts a session only when there is something to keep, with a safe cookie', async () => {
    shop = await buildTestApp()
    const response = await postForm(shop.app, '/contact', message)
    const cookie = response.cookies.find((c) => c.name === 'sid')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie?.secure).toBeFalsy()
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(1)
  })

  it('marks the cookie Secure when the shop is served over https', async () => {
    shop = await buildTestApp({ publicUrl: new URL('https://shop.example.com'), trustProxy: true })
    const response = await postForm(shop.app, '/contact', message, {
      headers: { host: 'shop.example.com', origin: 'https://shop.example.com', 'x-forwarded-proto': 'https' },
    })
    expect(response.statusCode).toBe(303)
    expect(response.cookies.find((c) => c.name === 'sid')?.secure).toBe(true)
  })

  it('marks a page shown to a visitor with a session as private', async () => {
    shop = await buildTestApp()
    const cookie = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    const page = await shop.app.inject({ url: '/', headers: { cookie } })
    expect(page.headers['cache-control']).toBe('private, no-cache')
    expect(page.headers.vary).toMatch(/Cookie/)
  })

  it('makes no store write on a read-only page view with a session', async () => {
    shop = await buildTestApp()
    const cookie = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    // The first page view consumes the flash message and issues a form token: two real changes.
    await shop.app.inject({ url: '/contact', headers: { cookie } })
    const before = await shop.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const view = await shop.app.inject({ url: '/', headers: { cookie } })
    expect(view.headers['set-cookie']).toBeUndefined()
    const after = await shop.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow()
    expect(after.updated_at).toBe(before.updated_at)
    expect(after.data).toBe(before.data)
  })

  it('survives an app restart', async () => {
    shop = await buildTestApp()
    const cookie = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    const app = await shop.restart()
    const page = await app.inject({ url: '/contact', headers: { cookie } })
    expect(page.body).toContain('Thank you, Ada. Your message has been sent')
  })

  it('treats an expired session as none and sweeps it away', async () => {
    shop = await buildTestApp()
    const cookie = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    await changeSessions(shop.db, { expires_at: '2000-01-01T00:00:00.000Z' })
    const page = await shop.app.inject({ url: '/contact', headers: { cookie } })
    expect(page.body).not.toContain('Thank you')
    const { DatabaseSessionStore } = await import('../modules/sessions/session.store.js')
    expect(await new DatabaseSessionStore(shop.db, 1000).sweep()).toBe(1)
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it('ignores a forged or tampered session cookie', async () => {
    shop = await buildTestApp()
    const cookie = sessionCookie(await postForm(shop.app, '/contact', message)) as string
    const tampered = `${cookie.slice(0, -3)}abc`
    const page = await shop.app.inject({ url: '/contact', headers: { cookie: tampered } })
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('Thank you')
  })
})

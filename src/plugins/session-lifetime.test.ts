import type { LightMyRequestResponse } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { User } from '../db/schema.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createTestProduct } from '../testing/catalogue.js'
import { changeSessions, createUser, TEST_PASSWORD } from '../testing/factories.js'
import { csrfTokenIn, postForm } from '../testing/http.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * A signed-in session's lifetime is fixed at sign-in: without "Keep me
 * signed in" the cookie ends with the browser and the session 12 hours after
 * sign-in at most; with it, 30 days after sign-in at most. No later write of
 * the session (a cart, a password change, a guest cart joined at sign-in)
 * moves either.
 */
describe('the lifetime of a signed-in session', () => {
  let shop: TestShop
  let variantId: number
  beforeAll(async () => {
    shop = await buildTestApp()
    await createTestProduct(shop.db, {
      title: 'Bud Vase',
      variants: [{ sku: 'LIFETIME-VASE', price: 1250, stock: 1000 }],
    })
    const variant = await shop.db
      .selectFrom('variants')
      .select('id')
      .where('sku', '=', 'LIFETIME-VASE')
      .executeTakeFirstOrThrow()
    variantId = variant.id
  })
  afterAll(() => shop.close())
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Moves the clock the app reads (Date only; timers stay real so the app still runs). */
  function setNow(at: number) {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(at)
  }

  /** A browser: keeps the session cookie it is given and every `sid` cookie the app ever set. */
  function browser() {
    const sids: LightMyRequestResponse['cookies'] = []
    const b = {
      cookie: undefined as string | undefined,
      sids,
      keep(response: LightMyRequestResponse) {
        for (const c of response.cookies.filter((c) => c.name === 'sid')) {
          sids.push(c)
          b.cookie = `sid=${c.value}`
        }
        return response
      },
      async get(url: string) {
        return b.keep(await shop.app.inject({ url, headers: b.cookie ? { cookie: b.cookie } : {} }))
      },
      /** Posts a form with the token of the page it is on, as a browser does. */
      async submit(url: string, fields: Record<string, string>, page = url) {
        const token = b.cookie ? csrfTokenIn((await b.get(page)).body) : undefined
        return b.keep(
          await postForm(shop.app, url, { ...fields, ...(token ? { _csrf: token } : {}) }, { cookie: b.cookie }),
        )
      },
      async signIn(user: User, remember = false) {
        const response = await b.submit(
          '/login',
          { email: user.email, password: TEST_PASSWORD, ...(remember ? { remember: 'on' } : {}) },
          '/login',
        )
        expect(response.statusCode).toBe(303)
        return response
      },
      async addToCart() {
        const response = await b.submit('/cart/items', { variant_id: String(variantId), quantity: '1' }, '/cart')
        expect(response.statusCode).toBe(303)
        // The page after the redirect shows (and so consumes) the flash message: another write.
        await b.get('/cart')
        return response
      },
      async changePassword(from: string, to: string) {
        const response = await b.submit('/account/password', { currentPassword: from, newPassword: to })
        expect(response.statusCode).toBe(303)
        await b.get('/account')
        return response
      },
    }
    return b
  }

  async function sessionOf(user: User) {
    const rows = await shop.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute()
    expect(rows).toHaveLength(1)
    const row = rows[0] as (typeof rows)[number]
    const data = JSON.parse(row.data) as { signedInAt: string }
    return { expiresAt: Date.parse(row.expires_at), signedInAt: Date.parse(data.signedInAt) }
  }

  function expectBrowserSessionCookies(sids: LightMyRequestResponse['cookies']) {
    expect(sids.length).toBeGreaterThan(0)
    for (const c of sids) {
      expect(c.expires, `Set-Cookie ${c.name} has an Expires`).toBeUndefined()
      expect(c.maxAge, `Set-Cookie ${c.name} has a Max-Age`).toBeUndefined()
    }
  }

  it('keeps a plain session’s cookie to the browser session and its end at 12 hours after sign-in, through cart writes', async () => {
    const user = await createUser(shop.db)
    const start = Date.now()
    const b = browser()
    await b.signIn(user)
    const { signedInAt } = await sessionOf(user)
    expect(signedInAt).toBeGreaterThanOrEqual(start)

    await b.addToCart()
    expectBrowserSessionCookies(b.sids)
    expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)

    // Shopping on, never idle for 2 hours, until past the cap.
    for (let at = signedInAt + 1.5 * HOUR; at < signedInAt + 12 * HOUR; at += 1.5 * HOUR) {
      setNow(at)
      await b.addToCart()
      expectBrowserSessionCookies(b.sids)
      expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)
    }
    setNow(signedInAt + 12 * HOUR + 60_000)
    const account = await b.get('/account')
    expect(account.statusCode).toBe(303)
    expect(account.headers.location).toMatch(/^\/login/)
  })

  it('keeps a plain session’s cookie and its 12-hour end when the password is changed', async () => {
    const user = await createUser(shop.db)
    const b = browser()
    await b.signIn(user)
    const { signedInAt } = await sessionOf(user)

    await b.changePassword(TEST_PASSWORD, 'a brand new passphrase')
    expectBrowserSessionCookies(b.sids)
    expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)

    // A change made later does not restart the 12 hours either.
    setNow(signedInAt + 1.5 * HOUR)
    await b.changePassword('a brand new passphrase', 'another brand new passphrase')
    expectBrowserSessionCookies(b.sids)
    const after = await sessionOf(user)
    expect(after.signedInAt).toBe(signedInAt)
    expect(after.expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)
    await b.addToCart()
    expectBrowserSessionCookies(b.sids)
    expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)
  })

  it('keeps a plain session’s cookie and its 12-hour end when a guest cart came before sign-in', async () => {
    const user = await createUser(shop.db)
    const b = browser()
    // A guest's cart keeps its 14-day cookie, as before.
    await b.addToCart()
    const guest = b.sids[0]
    expect(guest?.expires?.getTime()).toBeGreaterThan(Date.now() + 13.9 * DAY)

    b.sids.length = 0
    await b.signIn(user)
    const { signedInAt } = await sessionOf(user)
    expectBrowserSessionCookies(b.sids)
    expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)

    setNow(signedInAt + 1.5 * HOUR)
    await b.addToCart()
    expectBrowserSessionCookies(b.sids)
    expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)
    // The guest's cart joined the account's: both additions are in it.
    expect((await b.get('/cart')).body).toMatch(/Cart <span class="cart-count">\(2/)
  })

  it('puts a plain session signed in before its end was recorded back to a browser-session cookie and 12 hours', async () => {
    const user = await createUser(shop.db)
    const b = browser()
    await b.signIn(user)
    const { signedInAt } = await sessionOf(user)
    // As such a session was stored: no end of its own, and the 14-day cookie a write gave it.
    const row = await shop.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow()
    const { expiresAt: _, ...data } = JSON.parse(row.data) as Record<string, unknown>
    const fortnight = new Date(signedInAt + 14 * DAY).toISOString()
    data.cookie = { ...(data.cookie as object), expires: fortnight, originalMaxAge: 14 * DAY }
    await changeSessions(shop.db, { data: JSON.stringify(data), expires_at: fortnight }, row.id)

    b.sids.length = 0
    setNow(signedInAt + HOUR)
    await b.addToCart()
    expectBrowserSessionCookies(b.sids)
    expect((await sessionOf(user)).expiresAt).toBeLessThanOrEqual(signedInAt + 12 * HOUR)
  })

  it('ends a remembered session 30 days after sign-in whatever is written, its cookie never reaching further', async () => {
    const user = await createUser(shop.db)
    const b = browser()
    await b.signIn(user, true)
    const { signedInAt, expiresAt } = await sessionOf(user)
    expect(expiresAt).toBeLessThanOrEqual(signedInAt + 30 * DAY)
    const first = b.sids[0]?.expires?.getTime() as number
    expect(first).toBeGreaterThan(signedInAt + 29.9 * DAY)
    expect(first).toBeLessThanOrEqual(signedInAt + 30 * DAY)

    // Used every 10 days (within the 14 days of idleness allowed): carts and a password change.
    for (const day of [10, 20, 29]) {
      setNow(signedInAt + day * DAY)
      b.sids.length = 0
      await b.addToCart()
      if (day === 20) await b.changePassword(TEST_PASSWORD, 'a brand new passphrase')
      expect(b.sids.length).toBeGreaterThan(0)
      for (const c of b.sids) expect(c.expires?.getTime(), `day ${day}`).toBeLessThanOrEqual(first)
      expect((await sessionOf(user)).expiresAt, `day ${day}`).toBeLessThanOrEqual(signedInAt + 30 * DAY)
    }
    setNow(signedInAt + 30 * DAY + 60_000)
    expect((await b.get('/account')).statusCode).toBe(303)
  })
})

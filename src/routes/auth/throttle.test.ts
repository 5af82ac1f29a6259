import { afterEach, describe, expect, it } from 'vitest'
import {
  checkSignInThrottle,
  describeWait,
  recordSignInFailure,
  waitAfterFailures,
} from '../../modules/accounts/throttle.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createUser, TEST_PASSWORD } from '../../testing/factories.js'
import { postForm } from '../../testing/http.js'

describe('waitAfterFailures', () => {
  it('lets five failures through, then doubles the wait from a minute up to an hour', () => {
    expect([4, 5, 6, 7].map((n) => waitAfterFailures(n, 5))).toEqual([0, 60_000, 120_000, 240_000])
    expect(waitAfterFailures(30, 5)).toBe(3_600_000)
  })
  it('reads as a person would say it', () => {
    expect(describeWait(1)).toBe('1 second')
    expect(describeWait(59)).toBe('59 seconds')
    expect(describeWait(60)).toBe('1 minute')
    expect(describeWait(61)).toBe('2 minutes')
  })
})

describe('sign-in throttling', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('makes an account wait after 5 failures in 15 minutes, even with the right password, and says how long', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    for (let i = 0; i < 5; i++) {
      expect((await postForm(shop.app, '/login', { email: user.email, password: `wrong ${i}` })).statusCode).toBe(422)
    }
    const blocked = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })
    expect(blocked.statusCode).toBe(429)
    expect(blocked.headers['retry-after']).toBe('60')
    expect(blocked.body).toContain('Too many attempts to sign in. Wait 1 minute, then try again')
    expect(blocked.headers['set-cookie']).toBeUndefined()
  })

  it('throttles an address without an account the same way, so nothing is learnt from it', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const attempt = (email: string) => postForm(shop.app, '/login', { email, password: 'wrong' })
    for (let i = 0; i < 5; i++) {
      await attempt(user.email)
      await attempt('nobody@example.com')
    }
    const known = await attempt(user.email)
    const unknown = await attempt('nobody@example.com')
    expect([known.statusCode, unknown.statusCode]).toEqual([429, 429])
    expect(known.body.replace(user.email, 'EMAIL')).toBe(unknown.body.replace('nobody@example.com', 'EMAIL'))
  })

  it('lets the account in again once the wait is over, and forgets the failures after a success', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const past = new Date(Date.now() - 2 * 60_000)
    for (let i = 0; i < 5; i++) await recordSignInFailure(shop.db, user.email, '10.0.0.9', past)
    expect(await checkSignInThrottle(shop.db, user.email, '127.0.0.1')).toEqual({ allowed: true })
    expect((await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(303)
    expect(await shop.db.selectFrom('sign_in_failures').selectAll().where('email', '=', user.email).execute()).toEqual(
      [],
    )
  })

  it('counts failures per client address too, across accounts, and holds across a restart', async () => {
    shop = await buildTestApp({ trustProxy: true })
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } })
    for (let i = 0; i < 20; i++) {
      await postForm(shop.app, '/login', { email: `someone${i}@example.com`, password: 'wrong' }, from('203.0.113.7'))
    }
    await shop.restart()
    const blocked = await postForm(
      shop.app,
      '/login',
      { email: 'fresh@example.com', password: 'wrong' },
      from('203.0.113.7'),
    )
    expect(blocked.statusCode).toBe(429)
    const elsewhere = await postForm(
      shop.app,
      '/login',
      { email: 'fresh@example.com', password: 'wrong' },
      from('198.51.100.1'),
    )
    expect(elsewhere.statusCode).toBe(422)
  })

  it('believes X-Forwarded-For only when TRUST_PROXY is set', async () => {
    shop = await buildTestApp()
    await postForm(
      shop.app,
      '/login',
      { email: 'x@example.com', password: 'wrong' },
      { headers: { 'x-forwarded-for': '203.0.113.9' } },
    )
    const row = await shop.db.selectFrom('sign_in_failures').select('ip').executeTakeFirstOrThrow()
    expect(row.ip).toBe('127.0.0.1')
  })
})

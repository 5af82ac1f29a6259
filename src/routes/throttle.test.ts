import { afterEach, describe, expect, it } from 'vitest'
import {
  describeWait,
  FREE_PER_EMAIL,
  FREE_PER_IP,
  takeSignInSlot,
  waitAfterFailures,
} from '../modules/accounts/throttle.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createUser, TEST_PASSWORD } from '../testing/factories.js'
import { whileHashingQueueIsFull } from '../testing/hashing.js'
import { postForm } from '../testing/http.js'
import { runScript } from '../testing/processes.js'

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
    for (let i = 0; i < 5; i++) {
      expect(await takeSignInSlot(shop.db, { email: user.email, ip: '10.0.0.9', device: null }, past)).toMatchObject({
        allowed: true,
      })
    }
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

describe('sign-in throttling under concurrency', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('checks at most 5 passwords of 40 sent at once, so a right one sent after 39 guesses is refused', async () => {
    shop = await buildTestApp({}, { seed: false })
    const user = await createUser(shop.db)
    const passwords = [...Array.from({ length: 39 }, (_, i) => `guess ${i}`), TEST_PASSWORD]
    const answers = await Promise.all(
      passwords.map((password) => postForm(shop.app, '/login', { email: user.email, password })),
    )
    const statuses = answers.map((a) => a.statusCode)
    expect(statuses.filter((s) => s === 422)).toHaveLength(FREE_PER_EMAIL)
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - FREE_PER_EMAIL)
    expect(statuses.at(-1)).toBe(429)
    const failures = await shop.db.selectFrom('sign_in_failures').select('id').execute()
    expect(failures).toHaveLength(FREE_PER_EMAIL)
  })

  it('checks at most 20 passwords from one client address for 40 addresses sent at once', async () => {
    shop = await buildTestApp({}, { seed: false })
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => postForm(shop.app, '/login', { email: `a${i}@example.com`, password: 'x' })),
    )
    const statuses = answers.map((a) => a.statusCode)
    // Those beyond the hashing queue are answered 503 before their password is checked, and give their slot back.
    const checked = statuses.filter((s) => s === 422).length
    expect(checked).toBeGreaterThan(0)
    expect(checked).toBeLessThanOrEqual(FREE_PER_IP)
    expect(statuses.filter((s) => ![422, 429, 503].includes(s))).toEqual([])
    expect(await shop.db.selectFrom('sign_in_failures').select('id').execute()).toHaveLength(checked)
  })

  it('checks at most 5 passwords of 40 sent at once to two app processes on one database', async () => {
    shop = await buildTestApp({}, { seed: false })
    const user = await createUser(shop.db)
    const guesses = (from: number) => JSON.stringify(Array.from({ length: 20 }, (_, i) => `guess ${from + i}`))
    const startAt = String(Date.now() + 4000)
    const outputs = await Promise.all(
      [guesses(0), guesses(20)].map((passwords) =>
        runScript('src/testing/sign-in-worker.ts', [shop.config.database, user.email, passwords, startAt]),
      ),
    )
    const statuses = outputs.flatMap((output) => JSON.parse(output) as number[])
    expect(statuses).toHaveLength(40)
    expect(statuses.filter((s) => s === 422)).toHaveLength(FREE_PER_EMAIL)
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - FREE_PER_EMAIL)
    expect((await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(429)
  }, 60_000)

  it('answers 503 with Retry-After when too many passwords are waiting to be hashed, and counts nothing', async () => {
    shop = await buildTestApp({}, { seed: false })
    const user = await createUser(shop.db)
    await whileHashingQueueIsFull(async () => {
      const busy = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })
      expect(busy.statusCode).toBe(503)
      expect(busy.headers['retry-after']).toBe('5')
      expect(busy.body).toContain('Too many people are signing in at this moment. Wait 5 seconds, then try again')
      expect(await shop.db.selectFrom('sign_in_failures').select('id').execute()).toEqual([])
    })
    expect((await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(303)
  })
})

describe('device cookies', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  const deviceCookie = (response: { cookies: Array<{ name: string; value: string }> }) => {
    const device = response.cookies.find((c) => c.name === 'device')
    return device ? `device=${device.value}` : undefined
  }

  async function signedInBefore(email: string): Promise<string> {
    const first = await postForm(shop.app, '/login', { email, password: TEST_PASSWORD })
    expect(first.statusCode).toBe(303)
    const cookie = first.cookies.find((c) => c.name === 'device')
    expect(cookie).toMatchObject({ path: '/login', httpOnly: true, sameSite: 'Lax', maxAge: 365 * 24 * 60 * 60 })
    return deviceCookie(first) as string
  }

  const guessFiveTimes = async (email: string, options: { cookie?: string; ip?: string } = {}) => {
    for (let i = 0; i < 5; i++) {
      const guess = await postForm(
        shop.app,
        '/login',
        { email, password: `guess ${i}` },
        { cookie: options.cookie, headers: options.ip ? { 'x-forwarded-for': options.ip } : {} },
      )
      expect(guess.statusCode).toBe(422)
    }
  }

  it('lets a browser that signed in before in, while guesses from elsewhere lock out everyone else', async () => {
    shop = await buildTestApp({ trustProxy: true }, { seed: false })
    const user = await createUser(shop.db)
    const device = await signedInBefore(user.email)
    await guessFiveTimes(user.email, { ip: '203.0.113.66' })

    const stranger = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })
    expect(stranger.statusCode).toBe(429)
    const owner = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD }, { cookie: device })
    expect(owner.statusCode).toBe(303)
    // The owner's sign-in does not wipe out the guesses: the lockout still holds for unknown devices.
    expect((await postForm(shop.app, '/login', { email: user.email, password: 'guess' })).statusCode).toBe(429)
  })

  it('throttles a trusted device on its own failures, and leaves other browsers of the account alone', async () => {
    shop = await buildTestApp({}, { seed: false })
    const user = await createUser(shop.db)
    const device = await signedInBefore(user.email)
    await guessFiveTimes(user.email, { cookie: device })
    const blocked = await postForm(
      shop.app,
      '/login',
      { email: user.email, password: TEST_PASSWORD },
      { cookie: device },
    )
    expect(blocked.statusCode).toBe(429)
    expect(blocked.headers['retry-after']).toBe('60')
    expect((await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(303)
  })

  it('trusts a device cookie only for the account it was given for, and never a forged one', async () => {
    shop = await buildTestApp({}, { seed: false })
    const user = await createUser(shop.db)
    const other = await createUser(shop.db, { email: 'other@example.com' })
    const device = await signedInBefore(other.email)
    await guessFiveTimes(user.email)
    const [nonce] = device.slice('device='.length).split('.')
    for (const cookie of [device, `device=${nonce}.forged`, `device=${nonce}`, 'device=']) {
      const refused = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD }, { cookie })
      expect(refused.statusCode, cookie).toBe(429)
    }
  })
})

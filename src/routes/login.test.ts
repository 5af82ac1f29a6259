import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { changeSessions, createUser, disableUser, signInAs, TEST_PASSWORD } from '../testing/factories.js'
import { postForm, sessionCookie } from '../testing/http.js'

describe('signing in and out', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('signs in with the right password under a new session id, and the old id is dead', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { email: 'ada@example.com', name: 'Ada' })
    // A visitor who already has a session (here from a contact message) signs in.
    const before = sessionCookie(
      await postForm(shop.app, '/contact', { name: 'A', email: 'a@b.co', subject: 'Hi', message: 'Hello there.' }),
    ) as string
    const response = await postForm(
      shop.app,
      '/login',
      { email: 'ada@example.com', password: TEST_PASSWORD },
      { cookie: before },
    )
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/account')
    const after = sessionCookie(response) as string
    expect(after).toBeDefined()
    expect(after).not.toBe(before)

    const account = await shop.app.inject({ url: '/account', headers: { cookie: after } })
    expect(account.statusCode).toBe(200)
    expect(account.body).toContain('Welcome back, Ada.')
    expect(account.headers['cache-control']).toBe('private, no-cache')
    const stale = await shop.app.inject({ url: '/account', headers: { cookie: before } })
    expect(stale.statusCode).toBe(303)

    const rows = await shop.db.selectFrom('sessions').select(['user_id']).execute()
    expect(rows).toEqual([{ user_id: user.id }])
  })

  it('gives the same answer for a wrong password and an unknown address', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'known@example.com' })
    const known = await postForm(shop.app, '/login', { email: 'known@example.com', password: 'wrong password' })
    const unknown = await postForm(shop.app, '/login', { email: 'nobody@example.com', password: 'wrong password' })
    expect(known.statusCode).toBe(422)
    expect(unknown.statusCode).toBe(422)
    const normalise = (body: string) => body.replace(/(known|nobody)@example\.com/g, 'EMAIL')
    expect(normalise(known.body)).toBe(normalise(unknown.body))
    expect(known.body).toContain('The email address or password is not right')
    expect(known.body).not.toContain('wrong password')
  })

  it('takes about as long for an unknown address as for a known one', async () => {
    shop = await buildTestApp({ passwordHashing: { ln: 14, r: 8, p: 1 } })
    await createUser(shop.db, { email: 'known@example.com', hashing: { ln: 14, r: 8, p: 1 } })
    const time = async (email: string) => {
      const started = process.hrtime.bigint()
      await postForm(
        shop.app,
        '/login',
        { email, password: 'wrong password' },
        { headers: { 'x-forwarded-for': email } },
      )
      return Number(process.hrtime.bigint() - started) / 1e6
    }
    await time('warm-up@example.com')
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    const knownTimes: number[] = []
    const unknownTimes: number[] = []
    for (let i = 0; i < 4; i++) {
      knownTimes.push(await time('known@example.com'))
      unknownTimes.push(await time(`nobody${i}@example.com`))
    }
    const ratio = median(unknownTimes) / median(knownTimes)
    expect(ratio).toBeGreaterThan(0.5)
    expect(ratio).toBeLessThan(2)
  })

  it('sends an anonymous visitor to sign in with a safe way back, and back they come', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const redirect = await shop.app.inject({ url: '/account?tab=orders' })
    expect(redirect.statusCode).toBe(303)
    expect(redirect.headers.location).toBe('/login?next=%2Faccount%3Ftab%3Dorders')
    const form = await shop.app.inject({ url: redirect.headers.location as string })
    expect(form.body).toContain('name="next" value="/account?tab=orders"')
    const signedIn = await postForm(shop.app, '/login', {
      email: user.email,
      password: TEST_PASSWORD,
      next: '/account?tab=orders',
    })
    expect(signedIn.headers.location).toBe('/account?tab=orders')
  })

  it('refuses to send anyone off the site after signing in (no open redirect)', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const response = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD, next })
      expect(response.headers.location, next).toBe('/account')
    }
    const page = await shop.app.inject({ url: '/login?next=https%3A%2F%2Fevil.example' })
    expect(page.body).not.toContain('name="next"')
  })

  it('refuses a return path whose dot segments resolve to another host, signed in or signing in', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const signedIn = await postForm(shop.app, '/login', {
      email: user.email,
      password: TEST_PASSWORD,
      next: '/admin/../..//evil.example',
    })
    expect(signedIn.headers.location).toBe('/account')
    const cookie = sessionCookie(signedIn) as string
    for (const next of [
      '/..//evil.example/phish',
      '/.//evil.example',
      '/x/..//evil.example',
      '/%2e%2e//evil.example',
    ]) {
      const response = await shop.app.inject({ url: `/login?next=${encodeURIComponent(next)}`, headers: { cookie } })
      expect(response.statusCode, next).toBe(303)
      expect(response.headers.location, next).toBe('/account')
    }
  })

  it('keeps a remembered sign-in for 30 days, and a plain one only while the browser is open', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const remembered = await postForm(shop.app, '/login', {
      email: user.email,
      password: TEST_PASSWORD,
      remember: 'on',
    })
    const cookie = remembered.cookies.find((c) => c.name === 'sid')
    const days = (Number(cookie?.expires?.getTime()) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThanOrEqual(30)
    const plain = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })
    expect(plain.cookies.find((c) => c.name === 'sid')?.expires).toBeUndefined()
  })

  it('ends a plain session unused for 2 hours, and a remembered one unused for 14 days', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const plain = await signInAs(shop.app, user)
    const remembered = await signInAs(shop.app, user, TEST_PASSWORD, { remember: 'on' })
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString()
    await changeSessions(shop.db, { last_seen_at: hoursAgo(3) })
    expect((await shop.app.inject({ url: '/account', headers: { cookie: plain } })).statusCode).toBe(303)
    expect((await shop.app.inject({ url: '/account', headers: { cookie: remembered } })).statusCode).toBe(200)
    await changeSessions(shop.db, { last_seen_at: hoursAgo(15 * 24) })
    expect((await shop.app.inject({ url: '/account', headers: { cookie: remembered } })).statusCode).toBe(303)
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
  })

  it('signs out with a POST that ends the session on the server', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const cookie = await signInAs(shop.app, user)
    const page = await shop.app.inject({ url: '/account', headers: { cookie } })
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
    expect((await shop.app.inject({ url: '/logout', headers: { cookie } })).statusCode).toBe(404)
    const out = await postForm(shop.app, '/logout', { _csrf: token }, { cookie })
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe('/login?signed_out=1')
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
    expect((await shop.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(303)
    expect((await shop.app.inject({ url: '/login?signed_out=1' })).body).toContain('You have signed out.')
  })

  it('ends a disabled account’s sessions at once and refuses its sign-in', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    const cookie = await signInAs(shop.app, user)
    await disableUser(shop.db, user.id)
    expect((await shop.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(303)
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
    const again = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('This account has been closed')
  })

  it('stores a new hash at today’s cost when an old one is used to sign in', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { hashing: { ln: 9, r: 8, p: 1 } })
    await signInAs(shop.app, user)
    const row = await shop.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/)
  })

  it('records sign-ins and failures in the audit log, with the address and no secret', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    await postForm(shop.app, '/login', { email: user.email, password: 'not the password' })
    await signInAs(shop.app, user)
    const log = await shop.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
    expect(log.map((e) => [e.action, e.subject_user_id, e.ip])).toEqual([
      ['sign_in_failed', user.id, '127.0.0.1'],
      ['sign_in', user.id, '127.0.0.1'],
    ])
    expect(JSON.stringify(log)).not.toMatch(/not the password|violet tractor/)
    expect(log[0]?.at).toMatch(/Z$/)
  })
})

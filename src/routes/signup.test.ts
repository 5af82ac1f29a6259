import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SIGN_UPS_PER_CLIENT_PER_HOUR } from '../modules/accounts/sign-up-limits.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { emptyTables } from '../testing/database.js'
import { createUser } from '../testing/factories.js'
import { whileHashingQueueIsFull } from '../testing/hashing.js'
import { htmlErrors } from '../testing/html.js'
import { postForm, SAME_ORIGIN, sessionCookie } from '../testing/http.js'
import { backdateRateLimitHits } from '../testing/rate-limits.js'

describe('signing up', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  beforeEach(async () => {
    // Every test starts with no email sent, and the client's sign-ups and the account-exists emails of the hour unused.
    await emptyTables(shop.db, 'outbox_emails', 'rate_limit_hits')
  })
  afterAll(() => shop.close())

  const emails = () => shop.db.selectFrom('outbox_emails').selectAll().orderBy('id').execute()

  it('creates an unconfirmed customer, emails a link, and sends them to sign in', async () => {
    const response = await postForm(shop.app, '/signup', {
      name: 'Grace Hopper',
      email: 'Grace@Example.com',
      password: 'compilers are fun',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
    const user = await shop.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'grace@example.com')
      .executeTakeFirstOrThrow()
    expect(user).toMatchObject({ name: 'Grace Hopper', role: 'customer', email_verified_at: null })
    expect(user.password_hash).toMatch(/^\$scrypt\$/)
    expect(user.password_hash).not.toContain('compilers')

    const [mail] = await emails()
    expect(mail).toMatchObject({ template: 'verify-email', to_address: 'grace@example.com' })
    expect(mail?.text).toMatch(/http:\/\/localhost:80\/verify-email\?token=[\w-]{43}/)
    const token = /token=([\w-]+)/.exec(mail?.text ?? '')?.[1] as string
    const stored = await shop.db.selectFrom('user_tokens').selectAll().executeTakeFirstOrThrow()
    expect(stored.token_hash).not.toBe(token)
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/)

    const login = await shop.app.inject({ url: '/login', headers: { cookie: sessionCookie(response) as string } })
    expect(login.body).toContain('We have sent an email to grace@example.com.')
  })

  it('answers an address that already has an account exactly as a new one, and tells its owner', async () => {
    const existing = await createUser(shop.db, { email: 'taken@example.com', name: 'Ada' })
    const fresh = await postForm(shop.app, '/signup', {
      name: 'X',
      email: 'fresh@example.com',
      password: 'a long new password',
    })
    const taken = await postForm(shop.app, '/signup', {
      name: 'X',
      email: 'taken@example.com',
      password: 'a long new password',
    })
    expect(taken.statusCode).toBe(fresh.statusCode)
    expect(taken.headers.location).toBe(fresh.headers.location)
    const flash = async (r: typeof fresh) =>
      (await shop.app.inject({ url: '/login', headers: { cookie: sessionCookie(r) as string } })).body
        .replace(/fresh@example\.com|taken@example\.com/g, 'EMAIL')
        .replace(/name="_csrf" value="[^"]+"/g, '')
    expect(await flash(taken)).toBe(await flash(fresh))

    const users = await shop.db.selectFrom('users').select('name').where('email', '=', 'taken@example.com').execute()
    expect(users).toEqual([{ name: existing.name }])
    const sent = await emails()
    expect(sent.map((e) => [e.template, e.to_address])).toEqual([
      ['verify-email', 'fresh@example.com'],
      ['account-exists', 'taken@example.com'],
    ])
  })

  it('refuses a short password, a common one and a bad address, keeping the name but never the password', async () => {
    const short = await postForm(shop.app, '/signup', { name: 'Alan', email: 'alan@example', password: 'short' })
    expect(short.statusCode).toBe(422)
    expect(short.body).toContain('Your password must be at least 8 characters')
    expect(short.body).toContain('Enter an email address in the correct format')
    expect(short.body).toContain('value="Alan"')
    expect(short.body).not.toContain('value="short"')

    const common = await postForm(shop.app, '/signup', {
      name: 'Alan',
      email: 'alan@example.com',
      password: 'Password1',
    })
    expect(common.statusCode).toBe(422)
    expect(common.body).toContain('This password is one of the most common ones')
    expect(common.body).not.toContain('Password1')
    expect(await shop.db.selectFrom('users').selectAll().where('email', '=', 'alan@example.com').execute()).toEqual([])
  })

  it('accepts a long passphrase of 64 characters and more', async () => {
    const response = await postForm(shop.app, '/signup', {
      name: 'L',
      email: 'long@example.com',
      password: `${'p'.repeat(64)} and then some more words`,
    })
    expect(response.statusCode).toBe(303)
  })

  it('answers 503 with Retry-After when too many passwords are waiting to be hashed, and counts nothing', async () => {
    await whileHashingQueueIsFull(async () => {
      const busy = await postForm(shop.app, '/signup', {
        name: 'Busy Person',
        email: 'busy@example.com',
        password: 'a long enough password',
      })
      expect(busy.statusCode).toBe(503)
      expect(busy.headers['retry-after']).toBe('5')
      expect(busy.body).toContain('Busy right now')
      expect(busy.body).not.toContain('a long enough password')
      expect(await shop.db.selectFrom('users').select('id').where('email', '=', 'busy@example.com').execute()).toEqual(
        [],
      )
      expect(await shop.db.selectFrom('rate_limit_hits').select('id').execute()).toEqual([])
    })
  })

  describe('limits', () => {
    /** A sign-up from a browser at this client address. */
    const signUpFrom = (remoteAddress: string, fields: Record<string, string>) =>
      shop.app.inject({
        method: 'POST',
        url: '/signup',
        remoteAddress,
        payload: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN },
      })
    const someone = (n: number | string) => ({
      name: `Person ${n}`,
      email: `person${n}@example.com`,
      password: 'a long enough password',
    })
    const count = async (table: 'users' | 'outbox_emails' | 'audit_log' | 'user_tokens' | 'sessions') =>
      Number(
        (
          await shop.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const counts = async () => ({
      users: await count('users'),
      emails: await count('outbox_emails'),
      audit: await count('audit_log'),
      tokens: await count('user_tokens'),
      sessions: await count('sessions'),
    })

    it(`lets ${SIGN_UPS_PER_CLIENT_PER_HOUR} sign-ups from one client address through in an hour, then refuses with 429, how long to wait, and nothing written`, async () => {
      for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR; i++) {
        expect((await signUpFrom('203.0.113.10', someone(`a${i}`))).statusCode).toBe(303)
      }
      const before = await counts()
      const hits = await shop.db.selectFrom('rate_limit_hits').selectAll().execute()

      const refused = await signUpFrom('203.0.113.10', {
        name: 'Eleventh Person',
        email: 'eleventh@example.com',
        password: 'my secret passphrase',
      })
      expect(refused.statusCode).toBe(429)
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3590)
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600)
      expect(refused.headers['cache-control']).toBe('no-store')
      expect(refused.body).toContain(
        'There have been too many sign-ups from your internet connection in the past hour. Wait 60 minutes, then try again.',
      )
      expect(refused.body).toMatch(/class="error-summary" role="alert"[^>]*autofocus/)
      expect(refused.body).toContain('value="Eleventh Person"')
      expect(refused.body).toContain('value="eleventh@example.com"')
      expect(refused.body).not.toContain('my secret passphrase')
      expect(await htmlErrors(refused.body)).toEqual([])
      // No session is started for a refusal, and nothing else is kept either.
      expect(refused.headers['set-cookie']).toBeUndefined()
      expect(await counts()).toEqual(before)
      expect(await shop.db.selectFrom('rate_limit_hits').selectAll().execute()).toEqual(hits)
      expect(
        await shop.db.selectFrom('users').selectAll().where('email', '=', 'eleventh@example.com').execute(),
      ).toEqual([])
    })

    it('counts each client address on its own, an IPv6 one by its /64', async () => {
      for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR; i++) {
        expect((await signUpFrom('2001:db8:5:6::1', someone(`b${i}`))).statusCode).toBe(303)
      }
      expect((await signUpFrom('2001:db8:5:6::ffff', someone('b-same-64'))).statusCode).toBe(429)
      expect((await signUpFrom('2001:db8:5:7::1', someone('b-other-64'))).statusCode).toBe(303)
      expect((await signUpFrom('203.0.113.11', someone('b-ipv4'))).statusCode).toBe(303)
    })

    it('checks the input first: a form with mistakes gets 422 and is not counted, even over the limit', async () => {
      for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR + 2; i++) {
        expect((await signUpFrom('203.0.113.12', { ...someone(`c${i}`), password: 'short' })).statusCode).toBe(422)
      }
      for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR; i++) {
        expect((await signUpFrom('203.0.113.12', someone(`c${i}`))).statusCode).toBe(303)
      }
      const invalid = await signUpFrom('203.0.113.12', { ...someone('c-late'), email: 'not-an-address' })
      expect(invalid.statusCode).toBe(422)
      expect(invalid.body).toContain('Enter an email address in the correct format')
    })

    it('emails the owner of an address once an hour however often it is signed up for, answering every time alike', async () => {
      await createUser(shop.db, { email: 'owner@example.com', name: 'Owner' })
      const answers: Awaited<ReturnType<typeof signUpFrom>>[] = []
      // From three client addresses, so that only the limit on the address being emailed is at work.
      for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        answers.push(await signUpFrom(ip, { name: 'X', email: 'owner@example.com', password: 'a long new password' }))
      }
      expect(answers.map((a) => [a.statusCode, a.headers.location])).toEqual([
        [303, '/login'],
        [303, '/login'],
        [303, '/login'],
      ])
      const flash = async (r: (typeof answers)[number]) =>
        (await shop.app.inject({ url: '/login', headers: { cookie: sessionCookie(r) as string } })).body.replace(
          /name="_csrf" value="[^"]+"/g,
          '',
        )
      const [first, ...rest] = await Promise.all(answers.map(flash))
      expect(first).toContain('We have sent an email to owner@example.com.')
      for (const page of rest) expect(page).toBe(first)

      expect((await emails()).map((e) => [e.template, e.to_address])).toEqual([['account-exists', 'owner@example.com']])
      const audit = await shop.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'sign_up_existing_email')
        .orderBy('id')
        .execute()
      expect(audit.slice(-3).map((a) => JSON.parse(a.details ?? '{}').emailed)).toEqual([true, false, false])

      // An hour after the first, its owner can be told again.
      const anHourAgo = new Date(Date.now() - 60 * 60_000 - 1000).toISOString()
      await backdateRateLimitHits(shop.db, 'owner@example.com', anHourAgo)
      expect(
        (await signUpFrom('198.51.100.4', { name: 'X', email: 'owner@example.com', password: 'a long new password' }))
          .statusCode,
      ).toBe(303)
      expect(await emails()).toHaveLength(2)
    })

    it('does not count a sign-up that failed half-way: nothing was done, and its slot is given back', async () => {
      const broken = await buildTestApp()
      try {
        await broken.db.schema.dropTable('outbox_emails').execute()
        const response = await postForm(broken.app, '/signup', someone('f'))
        expect(response.statusCode).toBe(500)
        expect(
          await broken.db.selectFrom('users').selectAll().where('email', '=', 'personf@example.com').execute(),
        ).toEqual([])
        expect(await broken.db.selectFrom('rate_limit_hits').selectAll().execute()).toEqual([])
      } finally {
        await broken.close()
      }
    })

    it('lets no more than the limit through of 20 simultaneous sign-ups from one client address', async () => {
      // Five slots left: more than that at once would also meet the queue for password hashing, which turns
      // the ones beyond it away with 503 (and gives their slot back), whatever the limit says.
      const left = 5
      for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR - left; i++) {
        expect((await signUpFrom('203.0.113.13', someone(`d${i}`))).statusCode).toBe(303)
      }
      const before = await counts()
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => signUpFrom('203.0.113.13', someone(`e${i}`))),
      )
      const statuses = responses.map((r) => r.statusCode)
      expect(statuses.filter((s) => s === 303)).toHaveLength(left)
      expect(statuses.filter((s) => s === 429)).toHaveLength(20 - left)
      const after = await counts()
      expect(after.users - before.users).toBe(left)
      expect(after.emails - before.emails).toBe(left)
    })
  })
})

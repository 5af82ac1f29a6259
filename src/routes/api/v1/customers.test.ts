import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type ApiClient, apiClient } from '../../../testing/api.js'
import { buildTestApp, type TestShop } from '../../../testing/app.js'
import { createUser, TEST_PASSWORD } from '../../../testing/factories.js'
import { whileHashingQueueIsFull } from '../../../testing/hashing.js'
import { SAME_ORIGIN } from '../../../testing/http.js'

describe('signing up through the API', () => {
  let shop: TestShop
  let api: ApiClient
  // Each test signs up from an address of its own: a client address has 10 sign-ups an hour.
  let from = 0
  let address = ''
  beforeAll(async () => {
    shop = await buildTestApp()
    api = await apiClient(shop.app)
  })
  afterAll(() => shop.close())
  beforeEach(() => {
    from++
    address = `203.0.113.${from}`
  })

  const signUp = (payload: unknown, remoteAddress = address) =>
    api.request({
      method: 'POST',
      url: '/api/v1/customers',
      payload: payload as Record<string, unknown>,
      remoteAddress,
    })
  const user = (email: string) => shop.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  const emailsTo = (email: string) =>
    shop.db.selectFrom('outbox_emails').select('template').where('to_address', '=', email).orderBy('id').execute()
  const usersCount = async () => (await shop.db.selectFrom('users').select('id').execute()).length

  it('makes a customer account and emails a link to confirm the address: 202, and the customer signs in next', async () => {
    const response = await signUp({ name: ' Grace ', email: 'Grace@Example.com', password: 'lovelace engine notes' })
    expect(response.statusCode).toBe(202)
    expect(response.json()).toEqual({
      email: 'grace@example.com',
      message:
        'We have sent an email to grace@example.com. Follow the link in it to confirm your address. You can sign in now.',
    })
    const grace = await user('grace@example.com')
    expect(grace).toMatchObject({ name: 'Grace', role: 'customer', email_verified_at: null })
    expect(grace?.password_hash).toMatch(/^\$scrypt\$/)
    expect(await emailsTo('grace@example.com')).toEqual([{ template: 'verify-email' }])
    const audit = await shop.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ action: 'sign_up', actor_user_id: grace?.id, ip: address })
    expect(JSON.parse(audit.details ?? '{}')).toEqual({ via: 'api' })

    const signedIn = await api.request({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: 'grace@example.com', password: 'lovelace engine notes' },
    })
    expect(signedIn.statusCode).toBe(201)
    expect(signedIn.json().customer.email_verified_at).toBeNull()
  })

  it('answers an address that already has an account exactly as a new one, emailing its owner instead', async () => {
    const owner = await createUser(shop.db, { email: 'taken@example.com', name: 'Taken' })
    const before = await usersCount()
    const taken = await signUp({ name: 'Someone', email: 'taken@example.com', password: 'another long passphrase' })
    const fresh = await signUp({ name: 'Someone', email: 'fresh@example.com', password: 'another long passphrase' })
    expect(taken.statusCode).toBe(202)
    expect(taken.statusCode).toBe(fresh.statusCode)
    expect(taken.body.replaceAll('taken@', 'X@')).toBe(fresh.body.replaceAll('fresh@', 'X@'))
    expect(await usersCount()).toBe(before + 1)
    const kept = await user('taken@example.com')
    expect(kept?.name).toBe('Taken')
    expect(kept?.password_hash).toBe(owner.password_hash)
    expect(await emailsTo('taken@example.com')).toEqual([{ template: 'account-exists' }])
    // One such email an hour: a second try is answered the same and sends nothing.
    const again = await signUp({ name: 'Someone', email: 'taken@example.com', password: 'another long passphrase' })
    expect(again.statusCode).toBe(202)
    expect(await emailsTo('taken@example.com')).toHaveLength(1)
  })

  it('refuses a weak password with the sign-up form’s words, making nothing', async () => {
    const before = await usersCount()
    const cases: Array<[string, string]> = [
      ['short', 'Your password must be at least 8 characters'],
      ['password123', 'This password is one of the most common ones. Choose one that is harder to guess'],
      ['', 'Enter a password'],
    ]
    for (const [password, message] of cases) {
      const response = await signUp({ name: 'Weak', email: 'weak@example.com', password })
      expect(response.statusCode, password).toBe(422)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.json().errors).toEqual({ password: message })
      expect(response.body).not.toContain(password || 'never')
    }
    expect(await usersCount()).toBe(before)
  })

  it('refuses fields the form does not have, naming each, and wrong types and missing fields with the form’s words', async () => {
    const before = await usersCount()
    const unknown = await signUp({
      name: 'Mallory',
      email: 'mallory@example.com',
      password: 'a perfectly fine passphrase',
      role: 'owner',
      email_verified_at: '2020-01-01T00:00:00Z',
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().errors).toEqual({
      role: 'This field is not accepted here',
      email_verified_at: 'This field is not accepted here',
    })
    const wrong = await signUp({ name: 7, email: 'not an address', password: 12345678 })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().errors).toEqual({
      name: 'Enter your name',
      email: 'Enter an email address in the correct format, like name@example.com',
      password: 'Enter a password',
    })
    const empty = await signUp({})
    expect(Object.keys(empty.json().errors).sort()).toEqual(['email', 'name', 'password'])
    const list = await signUp([1, 2])
    expect(list.statusCode).toBe(422)
    const notJson = await api.request({
      method: 'POST',
      url: '/api/v1/customers',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    })
    expect(notJson.statusCode).toBe(400)
    expect(await usersCount()).toBe(before)
    expect(await user('mallory@example.com')).toBeUndefined()
  })

  it('answers 503 with Retry-After when too many passwords are waiting to be hashed, making and counting nothing', async () => {
    await whileHashingQueueIsFull(async () => {
      const busy = await signUp({ name: 'Busy', email: 'busy@example.com', password: 'a long enough password' })
      expect(busy.statusCode).toBe(503)
      expect(busy.headers['retry-after']).toBe('5')
      expect(busy.body).not.toContain('a long enough password')
    })
    expect(await user('busy@example.com')).toBeUndefined()
    const hits = await shop.db.selectFrom('rate_limit_hits').select('id').where('key', '=', address).execute()
    expect(hits).toEqual([])
  })

  it('allows 10 sign-ups an hour from one client address, as the HTML form does, then 429 with Retry-After', async () => {
    for (let i = 0; i < 9; i++) {
      const response = await signUp({ name: `Crowd ${i}`, email: `crowd${i}@example.com`, password: TEST_PASSWORD })
      expect(response.statusCode).toBe(202)
    }
    // The HTML form and the API count against one allowance.
    const form = await shop.app.inject({
      method: 'POST',
      url: '/signup',
      payload: new URLSearchParams({
        name: 'Crowd 9',
        email: 'crowd9@example.com',
        password: TEST_PASSWORD,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN },
      remoteAddress: address,
    })
    expect(form.statusCode).toBe(303)
    const refused = await signUp({ name: 'One more', email: 'onemore@example.com', password: TEST_PASSWORD })
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.json().detail).toMatch(
      /^There have been too many sign-ups from your internet connection in the past hour\. Wait \d+ minutes?, then try again\.$/,
    )
    expect(await user('onemore@example.com')).toBeUndefined()
    expect(
      (await signUp({ name: 'Elsewhere', email: 'elsewhere@example.com', password: TEST_PASSWORD }, '192.0.2.9'))
        .statusCode,
    ).toBe(202)
  })
})

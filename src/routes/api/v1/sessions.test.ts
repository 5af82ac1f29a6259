import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { User } from '../../../db/schema.js'
import { generateRecoveryCodes, hashRecoveryCode } from '../../../modules/accounts/recovery-codes.js'
import { currentTotpCode } from '../../../modules/accounts/totp.js'
import { replaceRecoveryCodes } from '../../../modules/accounts/two-factor.repository.js'
import { createApiKey } from '../../../modules/api-access/api-access.service.js'
import { hashBearer } from '../../../modules/api-access/bearer.js'
import { type ApiClient, apiClient } from '../../../testing/api.js'
import { buildTestApp, type TestShop } from '../../../testing/app.js'
import { createUser, signInAs, TEST_PASSWORD } from '../../../testing/factories.js'
import { whileHashingQueueIsFull } from '../../../testing/hashing.js'
import { postForm } from '../../../testing/http.js'

const APP = 'Shopfront/2.1 (iPhone; iOS 17.5; Scale/3.00)'
const NOT_RIGHT = 'The email address or password is not right'

describe('signing a customer in and out through the API', () => {
  let shop: TestShop
  let api: ApiClient
  let ada: User
  // Each test signs in from an address of its own, so the client-address throttle of one never reaches another.
  let from = 0
  let address = ''
  beforeAll(async () => {
    shop = await buildTestApp()
    api = await apiClient(shop.app)
    ada = await createUser(shop.db, { email: 'ada@example.com', name: 'Ada' })
  })
  afterAll(() => shop.close())
  beforeEach(() => {
    from++
    address = `198.51.100.${from}`
  })

  const signIn = (payload: unknown, headers: Record<string, string> = {}) =>
    api.request({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: payload as Record<string, unknown>,
      headers: { 'user-agent': APP, ...headers },
      remoteAddress: address,
    })
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const me = (token: string) => api.get('/api/v1/me', { headers: bearer(token) })
  const lastAudit = () => shop.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()

  it('answers 201 with a bearer token for the app, named after it, kept only as a hash, lasting 30 days', async () => {
    const response = await signIn({ email: ' Ada@Example.com ', password: TEST_PASSWORD })
    expect(response.statusCode).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    const body = response.json()
    expect(body.access_token).toMatch(/^sf_cus_[\w-]{43}$/)
    expect(body.token_type).toBe('Bearer')
    expect(body.customer).toMatchObject({
      id: ada.id,
      name: 'Ada',
      email: 'ada@example.com',
      two_factor_enabled: false,
    })
    const days = (Date.parse(body.expires_at) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThanOrEqual(30)

    const [stored] = await shop.db.selectFrom('customer_tokens').selectAll().where('user_id', '=', ada.id).execute()
    expect(stored?.token_hash).toBe(hashBearer(body.access_token))
    expect(stored?.label).toBe('Shopfront 2.1 on iOS')
    expect(JSON.stringify(stored)).not.toContain(body.access_token)
    const audit = await lastAudit()
    expect(audit.action).toBe('sign_in')
    expect(audit.actor_user_id).toBe(ada.id)
    expect(audit.ip).toBe(address)
    expect(JSON.parse(audit.details ?? '{}')).toMatchObject({ method: 'password', via: 'api' })

    const profile = await me(body.access_token)
    expect(profile.statusCode).toBe(200)
    expect(profile.json().email).toBe('ada@example.com')
  })

  it('answers a wrong password and an unknown address alike: 401 with the HTML sign-in’s words', async () => {
    const wrong = await signIn({ email: 'ada@example.com', password: 'not the password' })
    const unknown = await signIn({ email: 'nobody@example.com', password: 'not the password' })
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.headers['www-authenticate']).toBe('Bearer realm="shopfront"')
      expect(response.json()).toMatchObject({ detail: `${NOT_RIGHT}.`, errors: { email: NOT_RIGHT } })
    }
    expect(wrong.body).toBe(unknown.body)
    expect((await lastAudit()).action).toBe('sign_in_failed')
  })

  it('throttles as the HTML sign-in does: after 5 failures for an address, 429 with Retry-After, even for the right password', async () => {
    const bea = await createUser(shop.db, { email: 'bea@example.com' })
    for (let i = 0; i < 5; i++) {
      expect((await signIn({ email: bea.email, password: `guess ${i}` })).statusCode).toBe(401)
    }
    const refused = await signIn({ email: bea.email, password: TEST_PASSWORD })
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(refused.json().errors).toEqual({ email: 'Too many attempts to sign in. Wait 1 minute, then try again' })
    expect((await lastAudit()).action).toBe('sign_in_throttled')
    // One count for both doors: the browser's form is held back for the same address too.
    const form = await postForm(shop.app, '/login', { email: bea.email, password: TEST_PASSWORD })
    expect(form.statusCode).toBe(429)
  })

  it('answers 503 with Retry-After when too many passwords are waiting to be checked, counting no failure', async () => {
    await whileHashingQueueIsFull(async () => {
      const busy = await signIn({ email: ada.email, password: TEST_PASSWORD })
      expect(busy.statusCode).toBe(503)
      expect(busy.headers['retry-after']).toBe('5')
      expect(busy.json().errors).toEqual({
        email: 'Too many people are signing in at this moment. Wait 5 seconds, then try again',
      })
    })
    expect(await shop.db.selectFrom('sign_in_failures').selectAll().where('ip', '=', address).execute()).toEqual([])
  })

  it('refuses a closed account after the right password, with the HTML sign-in’s words', async () => {
    const closed = await createUser(shop.db, { disabled: true })
    const response = await signIn({ email: closed.email, password: TEST_PASSWORD })
    expect(response.statusCode).toBe(401)
    expect(response.json().errors.email).toBe(
      'This account has been closed by the shop. Contact us if you think that is a mistake',
    )
  })

  it('asks an account with two-factor sign-in for its code, and takes the app’s code or a recovery code', async () => {
    const cleo = await createUser(shop.db, { twoFactor: true })
    const secret = cleo.totp_secret as string
    const asked = await signIn({ email: cleo.email, password: TEST_PASSWORD })
    expect(asked.statusCode).toBe(401)
    expect(asked.json().errors).toEqual({ code: 'Enter the 6-digit code from your authenticator app' })
    expect(await shop.db.selectFrom('customer_tokens').selectAll().where('user_id', '=', cleo.id).execute()).toEqual([])

    const wrongCode = await signIn({ email: cleo.email, password: TEST_PASSWORD, code: '000000' })
    expect(wrongCode.statusCode).toBe(401)
    expect(wrongCode.json().errors).toEqual({ code: 'That code is not right' })
    expect(JSON.parse((await lastAudit()).details ?? '{}')).toEqual({ step: 'second factor' })
    // The code is asked only after the password: a right code with a wrong password opens nothing.
    const wrongPassword = await signIn({ email: cleo.email, password: 'nope', code: currentTotpCode(secret) })
    expect(wrongPassword.json().errors).toEqual({ email: NOT_RIGHT })

    const done = await signIn({ email: cleo.email, password: TEST_PASSWORD, code: currentTotpCode(secret) })
    expect(done.statusCode).toBe(201)
    expect(done.json().customer.two_factor_enabled).toBe(true)
    expect(JSON.parse((await lastAudit()).details ?? '{}')).toMatchObject({ method: 'totp', via: 'api' })

    const [recovery] = generateRecoveryCodes(1) as [string]
    await replaceRecoveryCodes(shop.db, cleo.id, [hashRecoveryCode(recovery)])
    const withRecovery = await signIn({ email: cleo.email, password: TEST_PASSWORD, code: recovery })
    expect(withRecovery.statusCode).toBe(201)
  })

  it('refuses staff a customer token (403): the back office is theirs, API keys are for outside services', async () => {
    for (const role of ['staff', 'owner'] as const) {
      const person = await createUser(shop.db, { role })
      const response = await signIn({
        email: person.email,
        password: TEST_PASSWORD,
        code: currentTotpCode(person.totp_secret as string),
      })
      expect(response.statusCode).toBe(403)
      expect(response.json().detail).toMatch(/^Staff accounts do not sign in to the API/)
      expect(
        await shop.db.selectFrom('customer_tokens').selectAll().where('user_id', '=', person.id).execute(),
      ).toEqual([])
      // No sign-in happened, so no "new sign-in" email went to them.
      const mail = await shop.db
        .selectFrom('outbox_emails')
        .selectAll()
        .where('to_address', '=', person.email)
        .execute()
      expect(mail).toEqual([])
    }
  })

  it('answers input that is not a sign-in with 422 (fields) or 400 (not JSON), checking no password', async () => {
    const cases: Array<[unknown, Record<string, string>]> = [
      [{ email: 'ada@example.com' }, { password: 'Enter your password' }],
      [
        { email: 'ada@example', password: 'x' },
        { email: 'Enter an email address in the correct format, like name@example.com' },
      ],
      [
        { email: 5, password: ['x'] },
        { email: 'Enter your email address', password: 'Enter your password' },
      ],
      [
        { email: 'ada@example.com', password: TEST_PASSWORD, remember: true },
        { remember: 'This field is not accepted here' },
      ],
      [
        { email: 'ada@example.com', password: TEST_PASSWORD, code: '' },
        { code: 'Enter the 6-digit code from your authenticator app' },
      ],
    ]
    for (const [payload, errors] of cases) {
      const response = await signIn(payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(422)
      expect(response.json().errors).toEqual(errors)
    }
    const notJson = await api.request({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: '{"email": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(notJson.statusCode).toBe(400)
    const failures = await shop.db.selectFrom('sign_in_failures').selectAll().where('ip', '=', address).execute()
    expect(failures).toEqual([])
  })

  it('signs the app out with DELETE /sessions/current: that token is 401 at once, the customer’s other apps stay in', async () => {
    const phone = (await signIn({ email: ada.email, password: TEST_PASSWORD })).json().access_token
    const tablet = (await signIn({ email: ada.email, password: TEST_PASSWORD })).json().access_token
    const out = await api.request({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(phone) })
    expect(out.statusCode).toBe(204)
    expect(out.body).toBe('')
    const audit = await lastAudit()
    expect(audit.action).toBe('sign_out')
    expect(JSON.parse(audit.details ?? '{}')).toEqual({ via: 'api' })

    const after = await me(phone)
    expect(after.statusCode).toBe(401)
    expect(after.headers['www-authenticate']).toBe('Bearer realm="shopfront"')
    expect((await me(tablet)).statusCode).toBe(200)
    const again = await api.request({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(phone) })
    expect(again.statusCode).toBe(401)
    expect((await api.request({ method: 'DELETE', url: '/api/v1/sessions/current' })).statusCode).toBe(401)
  })

  it('refuses a token once it has expired', async () => {
    const token = (await signIn({ email: ada.email, password: TEST_PASSWORD })).json().access_token
    await shop.db
      .updateTable('customer_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', hashBearer(token))
      .execute()
    expect((await me(token)).statusCode).toBe(401)
  })

  it('never reads a cookie: a signed-in browser’s session opens nothing, and a token is answered for its own customer', async () => {
    const bob = await createUser(shop.db)
    const cookie = await signInAs(shop.app, bob)
    expect((await shop.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(200)
    const anonymous = await api.get('/api/v1/me', { headers: { cookie } })
    expect(anonymous.statusCode).toBe(401)
    const token = (await signIn({ email: ada.email, password: TEST_PASSWORD })).json().access_token
    const response = await api.get('/api/v1/me', { headers: { cookie, ...bearer(token) } })
    expect(response.json().email).toBe('ada@example.com')
    expect(response.headers['set-cookie']).toBeUndefined()
    const out = await api.request({ method: 'DELETE', url: '/api/v1/sessions/current', headers: { cookie } })
    expect(out.statusCode).toBe(401)
    expect((await shop.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(200)
  })

  it('takes no API key or cart token where a customer must be signed in', async () => {
    const { secret } = await createApiKey(shop.db, { name: 'Feed', scopes: ['customers:read'] }, null)
    expect((await me(secret)).statusCode).toBe(401)
    expect((await me('sf_cart_whatever')).statusCode).toBe(401)
  })
})

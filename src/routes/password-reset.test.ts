import type { LightMyRequestResponse } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { hashToken } from '../modules/accounts/tokens.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { emptyTables } from '../testing/database.js'
import { changeUserTokens, createUser, signInAs, TEST_PASSWORD } from '../testing/factories.js'
import { htmlErrors } from '../testing/html.js'
import { postForm, sessionCookie } from '../testing/http.js'

const NEW_PASSWORD = 'a brand new secret'

describe('forgetting a password and choosing a new one', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  const emails = () => shop.db.selectFrom('outbox_emails').selectAll().orderBy('id').execute()
  const tokenIn = (text: string) => /reset-password\?token=([\w-]+)/.exec(text)?.[1] as string
  const flashAfter = async (response: LightMyRequestResponse) =>
    (await shop.app.inject({ url: '/login', headers: { cookie: sessionCookie(response) as string } })).body
  const passwordHash = async (email: string) =>
    (await shop.db.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow())
      .password_hash

  /** Asks for a link for this address and returns the token in the email sent. */
  async function askForLink(email: string): Promise<string> {
    const response = await postForm(shop.app, '/forgot-password', { email })
    expect(response.statusCode).toBe(303)
    const mail = (await emails()).at(-1)
    expect(mail?.template).toBe('reset-password')
    return tokenIn(mail?.text ?? '')
  }

  it('gives the same answer for an address with an account and one without, and only emails the account', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com', name: 'Ada' })
    const known = await postForm(shop.app, '/forgot-password', { email: ' Ada@Example.com ' })
    const unknown = await postForm(shop.app, '/forgot-password', { email: 'Nobody@Example.com' })

    expect(known.statusCode).toBe(303)
    expect(unknown.statusCode).toBe(known.statusCode)
    expect(unknown.headers.location).toBe(known.headers.location)
    expect(known.headers.location).toBe('/login')
    const knownFlash = await flashAfter(known)
    expect(knownFlash).toContain(
      'If ada@example.com has an account with us, we have sent it an email with a link to choose a new password.',
    )
    const same = (body: string) =>
      body.replace(/ada@example\.com|nobody@example\.com/g, 'EMAIL').replace(/name="_csrf" value="[^"]+"/g, '')
    expect(same(await flashAfter(unknown))).toBe(same(knownFlash))

    const sent = await emails()
    expect(sent.map((e) => [e.template, e.to_address])).toEqual([['reset-password', 'ada@example.com']])
    expect(sent[0]?.text).toMatch(/http:\/\/localhost:80\/reset-password\?token=[\w-]{43}/)
    expect(sent[0]?.html).toContain('Hello Ada')
  })

  it('sends nothing to a closed account, with the same answer', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'closed@example.com', disabled: true })
    const response = await postForm(shop.app, '/forgot-password', { email: 'closed@example.com' })
    expect(response.statusCode).toBe(303)
    expect(await flashAfter(response)).toContain('If closed@example.com has an account with us')
    expect(await emails()).toEqual([])
  })

  it('asks again for an address that is missing or malformed, keeping what was typed', async () => {
    shop = await buildTestApp()
    const response = await postForm(shop.app, '/forgot-password', { email: 'ada@example' })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Enter an email address in the correct format')
    expect(response.body).toContain('value="ada@example"')
    expect((await postForm(shop.app, '/forgot-password', {})).statusCode).toBe(422)
    expect(await emails()).toEqual([])
  })

  it('stores only the hash of the link’s token, expiring in an hour, and never writes the token to the audit log', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { email: 'ada@example.com' })
    const token = await askForLink('ada@example.com')
    const [stored] = await shop.db.selectFrom('user_tokens').selectAll().execute()
    expect(stored).toMatchObject({ user_id: user.id, purpose: 'reset_password', used_at: null })
    expect(stored?.token_hash).toBe(hashToken(token))
    expect(stored?.token_hash).not.toContain(token)
    expect(Date.parse(stored?.expires_at ?? '') - Date.parse(stored?.created_at ?? '')).toBe(60 * 60_000)

    const log = await shop.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'password_reset_requested')
      .execute()
    expect(log).toHaveLength(1)
    expect(log[0]?.subject_user_id).toBe(user.id)
    expect(JSON.stringify(log)).not.toContain(token)
  })

  it('shows a form for a live link without using it up, with no Referer leaving the page', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const token = await askForLink('ada@example.com')
    for (let i = 0; i < 2; i++) {
      const page = await shop.app.inject({ url: `/reset-password?token=${token}` })
      expect(page.statusCode).toBe(200)
      expect(page.headers['referrer-policy']).toBe('no-referrer')
      expect(page.headers['cache-control']).toBe('no-store')
      expect(page.body).toContain(`<input type="hidden" name="token" value="${token}">`)
      expect(page.body).toContain('<meta name="robots" content="noindex,follow">')
    }
    const [stored] = await shop.db.selectFrom('user_tokens').select('used_at').execute()
    expect(stored?.used_at).toBeNull()
  })

  it('sets the new password: the new one signs in, the old one no longer does', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const token = await askForLink('ada@example.com')
    const response = await postForm(shop.app, '/reset-password', { token, password: NEW_PASSWORD })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login')
    expect(await flashAfter(response)).toContain('Your password has been changed. Sign in with your new password.')

    const old = await postForm(shop.app, '/login', { email: 'ada@example.com', password: TEST_PASSWORD })
    expect(old.statusCode).toBe(422)
    const fresh = await postForm(shop.app, '/login', { email: 'ada@example.com', password: NEW_PASSWORD })
    expect(fresh.statusCode).toBe(303)

    const log = await shop.db.selectFrom('audit_log').select('action').where('action', '=', 'password_reset').execute()
    expect(log).toHaveLength(1)
  })

  it('works once: the same link again is gone, on the page and in the form', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const token = await askForLink('ada@example.com')
    expect((await postForm(shop.app, '/reset-password', { token, password: NEW_PASSWORD })).statusCode).toBe(303)
    const hash = await passwordHash('ada@example.com')

    const again = await postForm(shop.app, '/reset-password', { token, password: 'yet another secret' })
    expect(again.statusCode).toBe(410)
    expect(again.body).toContain('This link has already been used or has expired')
    expect(again.body).toContain('href="/forgot-password"')
    const page = await shop.app.inject({ url: `/reset-password?token=${token}` })
    expect(page.statusCode).toBe(410)
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(await passwordHash('ada@example.com')).toBe(hash)
  })

  it('refuses a link older than an hour, a made-up one and a missing one', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const hash = await passwordHash('ada@example.com')
    const token = await askForLink('ada@example.com')
    await changeUserTokens(shop.db, { expires_at: new Date(Date.now() - 1000).toISOString() })

    expect((await shop.app.inject({ url: `/reset-password?token=${token}` })).statusCode).toBe(410)
    expect((await postForm(shop.app, '/reset-password', { token, password: NEW_PASSWORD })).statusCode).toBe(410)
    expect((await postForm(shop.app, '/reset-password', { token: 'made-up', password: NEW_PASSWORD })).statusCode).toBe(
      410,
    )
    expect((await postForm(shop.app, '/reset-password', { password: NEW_PASSWORD })).statusCode).toBe(410)
    expect((await shop.app.inject({ url: '/reset-password' })).statusCode).toBe(410)
    expect(await passwordHash('ada@example.com')).toBe(hash)
  })

  it('retires the earlier link when a new one is sent', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const first = await askForLink('ada@example.com')
    const second = await askForLink('ada@example.com')
    expect((await postForm(shop.app, '/reset-password', { token: first, password: NEW_PASSWORD })).statusCode).toBe(410)
    expect((await postForm(shop.app, '/reset-password', { token: second, password: NEW_PASSWORD })).statusCode).toBe(
      303,
    )
  })

  it('ends every session of the account, on every device', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { email: 'ada@example.com' })
    const laptop = await signInAs(shop.app, user)
    const phone = await signInAs(shop.app, user)
    expect((await shop.app.inject({ url: '/account', headers: { cookie: laptop } })).statusCode).toBe(200)

    const token = await askForLink('ada@example.com')
    // Even the browser that is signed in as the account and follows the link is signed out.
    const response = await postForm(shop.app, '/reset-password', { token, password: NEW_PASSWORD }, { cookie: phone })
    expect(response.statusCode).toBe(303)

    for (const cookie of [laptop, phone, sessionCookie(response) as string]) {
      const account = await shop.app.inject({ url: '/account', headers: { cookie } })
      expect(account.statusCode).toBe(303)
      expect(account.headers.location).toMatch(/^\/login/)
    }
    const rows = await shop.db.selectFrom('sessions').select('user_id').where('user_id', '=', user.id).execute()
    expect(rows).toEqual([])
  })

  it('confirms an unconfirmed address and lifts a sign-in lock on it', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com', verified: false })
    for (let i = 0; i < 5; i++) await postForm(shop.app, '/login', { email: 'ada@example.com', password: `wrong ${i}` })
    expect((await postForm(shop.app, '/login', { email: 'ada@example.com', password: TEST_PASSWORD })).statusCode).toBe(
      429,
    )

    const token = await askForLink('ada@example.com')
    expect((await postForm(shop.app, '/reset-password', { token, password: NEW_PASSWORD })).statusCode).toBe(303)
    const user = await shop.db.selectFrom('users').selectAll().where('email', '=', 'ada@example.com').executeTakeFirst()
    expect(user?.email_verified_at).toMatch(/Z$/)
    expect((await postForm(shop.app, '/login', { email: 'ada@example.com', password: NEW_PASSWORD })).statusCode).toBe(
      303,
    )
  })

  it('refuses a short or common new password with 422, never echoing it, keeping the link and changing nothing', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { email: 'ada@example.com' })
    const cookie = await signInAs(shop.app, user)
    const hash = await passwordHash('ada@example.com')
    const token = await askForLink('ada@example.com')

    for (const [password, message] of [
      ['short', 'Your password must be at least 8 characters'],
      ['Password1', 'This password is one of the most common ones'],
      ['', 'Enter a new password'],
    ]) {
      const response = await postForm(shop.app, '/reset-password', { token, password: password as string })
      expect(response.statusCode).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain(`<input type="hidden" name="token" value="${token}">`)
      if (password) expect(response.body).not.toContain(password)
      expect(response.headers['referrer-policy']).toBe('no-referrer')
    }

    expect(await passwordHash('ada@example.com')).toBe(hash)
    expect((await shop.app.inject({ url: '/account', headers: { cookie } })).statusCode).toBe(200)
    expect((await shop.app.inject({ url: `/reset-password?token=${token}` })).statusCode).toBe(200)
  })

  it('sends at most 3 emails an hour to one address; the 4th request gets the same answer and no email', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const responses: LightMyRequestResponse[] = []
    for (let i = 0; i < 4; i++)
      responses.push(await postForm(shop.app, '/forgot-password', { email: 'ada@example.com' }))
    expect(responses.map((r) => r.statusCode)).toEqual([303, 303, 303, 303])
    expect(responses.map((r) => r.headers.location)).toEqual(['/login', '/login', '/login', '/login'])
    expect(await flashAfter(responses[3] as LightMyRequestResponse)).toContain('If ada@example.com has an account')
    expect(await emails()).toHaveLength(3)

    // The third link, the latest sent, still works: the refused 4th request retired nothing.
    const token = tokenIn((await emails()).at(-1)?.text ?? '')
    expect((await shop.app.inject({ url: `/reset-password?token=${token}` })).statusCode).toBe(200)

    // An hour later the address may ask again.
    const hourAgo = new Date(Date.now() - 61 * 60_000).toISOString()
    await changeUserTokens(shop.db, { created_at: hourAgo })
    await postForm(shop.app, '/forgot-password', { email: 'ada@example.com' })
    expect(await emails()).toHaveLength(4)
  })

  it('takes about as long for an unknown address as for a known one', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'known@example.com' })
    const time = async (email: string) => {
      const started = process.hrtime.bigint()
      await postForm(shop.app, '/forgot-password', { email })
      return Number(process.hrtime.bigint() - started) / 1e6
    }
    await time('warm-up@example.com')
    await time('known@example.com')
    await emptyTables(shop.db, 'user_tokens')
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    const knownTimes: number[] = []
    const unknownTimes: number[] = []
    for (let i = 0; i < 3; i++) {
      knownTimes.push(await time('known@example.com'))
      unknownTimes.push(await time(`nobody${i}@example.com`))
    }
    const ratio = median(unknownTimes) / median(knownTimes)
    expect(ratio).toBeGreaterThan(0.5)
    expect(ratio).toBeLessThan(2)
  })

  it('renders valid HTML on every page of the journey', async () => {
    shop = await buildTestApp()
    await createUser(shop.db, { email: 'ada@example.com' })
    const token = await askForLink('ada@example.com')
    const pages = [
      await shop.app.inject({ url: '/forgot-password' }),
      await postForm(shop.app, '/forgot-password', { email: 'x' }),
      await shop.app.inject({ url: '/login' }),
      await shop.app.inject({ url: `/reset-password?token=${token}` }),
      await postForm(shop.app, '/reset-password', { token, password: 'short' }),
      await shop.app.inject({ url: '/reset-password?token=gone' }),
    ]
    expect(pages.map((p) => p.statusCode)).toEqual([200, 422, 200, 200, 422, 410])
    expect(pages[2]?.body).toContain('href="/forgot-password"')
    for (const page of pages) {
      expect(page.headers['content-type']).toMatch(/^text\/html/)
      expect(await htmlErrors(page.body)).toEqual([])
    }
  })
})

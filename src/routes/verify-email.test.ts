import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { changeUserTokens, createUser, signInAs } from '../testing/factories.js'
import { postForm, sessionCookie } from '../testing/http.js'

describe('confirming an email address', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  async function signUpAndReadLink() {
    await postForm(shop.app, '/signup', { name: 'Grace', email: 'grace@example.com', password: 'compilers are fun' })
    const mail = await shop.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('template', '=', 'verify-email')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    return /token=([\w-]+)/.exec(mail.text)?.[1] as string
  }
  const verified = async () =>
    (
      await shop.db
        .selectFrom('users')
        .select('email_verified_at')
        .where('email', '=', 'grace@example.com')
        .executeTakeFirstOrThrow()
    ).email_verified_at

  it('opens a page with a button; only the button uses the link up', async () => {
    shop = await buildTestApp()
    const token = await signUpAndReadLink()
    const page = await shop.app.inject({ url: `/verify-email?token=${token}` })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Confirm my email address')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(await verified()).toBeNull()
    // A mail scanner opening the link twice changes nothing either.
    await shop.app.inject({ url: `/verify-email?token=${token}` })
    expect(await verified()).toBeNull()

    const confirm = await postForm(shop.app, '/verify-email', { token })
    expect(confirm.statusCode).toBe(303)
    expect(await verified()).toMatch(/Z$/)
    const next = await shop.app.inject({ url: '/login', headers: { cookie: sessionCookie(confirm) as string } })
    expect(next.body).toContain('Thank you. grace@example.com is confirmed.')
  })

  it('works once: the same link again is gone', async () => {
    shop = await buildTestApp()
    const token = await signUpAndReadLink()
    await postForm(shop.app, '/verify-email', { token })
    const again = await postForm(shop.app, '/verify-email', { token })
    expect(again.statusCode).toBe(410)
    expect(again.body).toContain('This link has already been used or has expired')
    expect((await shop.app.inject({ url: `/verify-email?token=${token}` })).statusCode).toBe(410)
  })

  it('refuses an expired link, a made-up one and a missing one', async () => {
    shop = await buildTestApp()
    const token = await signUpAndReadLink()
    await changeUserTokens(shop.db, { expires_at: '2000-01-01T00:00:00.000Z' })
    expect((await postForm(shop.app, '/verify-email', { token })).statusCode).toBe(410)
    expect((await postForm(shop.app, '/verify-email', { token: 'made-up' })).statusCode).toBe(410)
    expect((await postForm(shop.app, '/verify-email', {})).statusCode).toBe(410)
    expect(await verified()).toBeNull()
  })

  it('reminds an unconfirmed customer on their account page, and sends a new link that retires the old one', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { verified: false })
    const cookie = await signInAs(shop.app, user)
    const page = await shop.app.inject({ url: '/account', headers: { cookie } })
    expect(page.body).toContain('Please confirm your email address')
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
    await postForm(shop.app, '/account/verification', { _csrf: token }, { cookie })
    await postForm(shop.app, '/account/verification', { _csrf: token }, { cookie })
    const tokens = await shop.db.selectFrom('user_tokens').select(['used_at']).orderBy('id').execute()
    expect(tokens.map((t) => t.used_at === null)).toEqual([false, true])
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import type { User } from '../../db/schema.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createUser, signInAs, TEST_PASSWORD } from '../../testing/factories.js'
import { csrfTokenIn, postForm } from '../../testing/http.js'

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'

describe('the account pages', () => {
  let shop: TestShop
  let user: User
  afterEach(() => shop.close())

  async function setUp() {
    shop = await buildTestApp()
    user = await createUser(shop.db, { email: 'ada@example.com', name: 'Ada' })
  }

  /** Posts a form on an account page as the signed-in browser does: with the page's token. */
  async function submit(cookie: string, url: string, fields: Record<string, string>, page = url) {
    const token = csrfTokenIn((await shop.app.inject({ url: page, headers: { cookie } })).body) as string
    return postForm(shop.app, url, { ...fields, _csrf: token }, { cookie })
  }
  const current = () => shop.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirst()

  it('change the name, refusing an empty one', async () => {
    await setUp()
    const cookie = await signInAs(shop.app, user)
    expect((await submit(cookie, '/account/profile', { name: '  ' })).statusCode).toBe(422)
    const saved = await submit(cookie, '/account/profile', { name: 'Ada Lovelace' })
    expect(saved.statusCode).toBe(303)
    expect((await current())?.name).toBe('Ada Lovelace')
  })

  it('change the password only with the current one, and sign every other device out', async () => {
    await setUp()
    const laptop = await signInAs(shop.app, user, TEST_PASSWORD)
    const phone = await signInAs(shop.app, user, TEST_PASSWORD)
    const wrong = await submit(laptop, '/account/password', {
      currentPassword: 'nope',
      newPassword: 'a brand new passphrase',
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('The password is not right')
    expect(wrong.body).not.toContain('a brand new passphrase')
    const weak = await submit(laptop, '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'qwertyuiop',
    })
    expect(weak.statusCode).toBe(422)

    const changed = await submit(laptop, '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase',
    })
    expect(changed.statusCode).toBe(303)
    const renewed = changed.cookies.find((c) => c.name === 'sid')
    expect(renewed).toBeDefined()
    expect((await shop.app.inject({ url: '/account', headers: { cookie: `sid=${renewed?.value}` } })).statusCode).toBe(
      200,
    )
    expect((await shop.app.inject({ url: '/account', headers: { cookie: phone } })).statusCode).toBe(303)
    expect((await shop.app.inject({ url: '/account', headers: { cookie: laptop } })).statusCode).toBe(303)

    expect((await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(422)
    expect(
      (await postForm(shop.app, '/login', { email: user.email, password: 'a brand new passphrase' })).statusCode,
    ).toBe(303)
  })

  it('change the email address after the new one is confirmed, and tell the old one', async () => {
    await setUp()
    const cookie = await signInAs(shop.app, user)
    expect((await submit(cookie, '/account/email', { email: 'ada@new.example', password: 'wrong' })).statusCode).toBe(
      422,
    )
    expect(
      (await submit(cookie, '/account/email', { email: 'ada@example.com', password: TEST_PASSWORD })).body,
    ).toContain('This is already your email address')
    const asked = await submit(cookie, '/account/email', { email: 'Ada@New.example', password: TEST_PASSWORD })
    expect(asked.statusCode).toBe(303)
    expect((await current())?.email).toBe('ada@example.com')

    const mail = await shop.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('template', '=', 'confirm-new-email')
      .executeTakeFirstOrThrow()
    expect(mail.to_address).toBe('ada@new.example')
    const token = /token=([\w-]+)/.exec(mail.text)?.[1] as string
    expect((await shop.app.inject({ url: `/confirm-email?token=${token}` })).statusCode).toBe(200)
    expect((await postForm(shop.app, '/confirm-email', { token })).statusCode).toBe(303)
    expect(await current()).toMatchObject({ email: 'ada@new.example' })
    expect((await postForm(shop.app, '/confirm-email', { token })).statusCode).toBe(410)

    const notice = await shop.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('template', '=', 'email-changed')
      .executeTakeFirstOrThrow()
    expect(notice.to_address).toBe('ada@example.com')
    expect(notice.text).toContain('your account now uses ada@new.example')
  })

  it('answer a change to an address another account has like any other, without writing to it', async () => {
    await setUp()
    await createUser(shop.db, { email: 'taken@example.com' })
    const cookie = await signInAs(shop.app, user)
    const asked = await submit(cookie, '/account/email', { email: 'taken@example.com', password: TEST_PASSWORD })
    expect(asked.statusCode).toBe(303)
    expect(await shop.db.selectFrom('outbox_emails').selectAll().execute()).toHaveLength(0)
  })

  it('list the devices signed in, and sign one out — but never another person’s', async () => {
    await setUp()
    const laptop = await signInAs(shop.app, user, TEST_PASSWORD, {})
    const phoneResponse = await postForm(
      shop.app,
      '/login',
      { email: user.email, password: TEST_PASSWORD },
      { headers: { 'user-agent': SAFARI } },
    )
    const phone = `sid=${phoneResponse.cookies.find((c) => c.name === 'sid')?.value}`
    const other = await createUser(shop.db)
    await signInAs(shop.app, other)

    const page = await shop.app.inject({ url: '/account/sessions', headers: { cookie: laptop, 'user-agent': FIREFOX } })
    expect(page.body).toContain('Safari on iOS')
    expect(page.body).toContain('this device')
    const ids = [...page.body.matchAll(/action="\/account\/sessions\/([^/]+)\/ending"/g)].map((m) => m[1])
    expect(ids).toHaveLength(2)

    const otherSession = await shop.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', other.id)
      .executeTakeFirstOrThrow()
    const refused = await submit(laptop, `/account/sessions/${otherSession.id}/ending`, {}, '/account/sessions')
    expect(refused.statusCode).toBe(303)
    expect(await shop.db.selectFrom('sessions').selectAll().where('user_id', '=', other.id).execute()).toHaveLength(1)

    const phoneId = (
      await shop.db.selectFrom('sessions').select(['id', 'data']).where('user_id', '=', user.id).execute()
    ).find((s) => s.data.includes('iPhone'))?.id as string
    await submit(laptop, `/account/sessions/${phoneId}/ending`, {}, '/account/sessions')
    expect((await shop.app.inject({ url: '/account', headers: { cookie: phone } })).statusCode).toBe(303)
    expect((await shop.app.inject({ url: '/account', headers: { cookie: laptop } })).statusCode).toBe(200)
  })

  it('download everything kept about the user as JSON, without any secret', async () => {
    await setUp()
    const cookie = await signInAs(shop.app, user)
    const response = await shop.app.inject({ url: '/account/export', headers: { cookie } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-disposition']).toBe('attachment; filename="my-account-data.json"')
    expect(response.headers['cache-control']).toBe('no-store')
    const data = response.json()
    expect(data.account).toMatchObject({ name: 'Ada', email: 'ada@example.com', role: 'customer' })
    expect(data.sessions).toHaveLength(1)
    expect(data.activity.map((a: { action: string }) => a.action)).toContain('sign_in')
    expect(response.body).not.toMatch(/scrypt|password_hash|_csrf|totp_secret/)
  })

  it('delete the account with the password, ending every session', async () => {
    await setUp()
    const cookie = await signInAs(shop.app, user)
    expect((await submit(cookie, '/account/deletion', { password: 'wrong' })).statusCode).toBe(422)
    expect(await current()).toBeDefined()
    const deleted = await submit(cookie, '/account/deletion', { password: TEST_PASSWORD })
    expect(deleted.statusCode).toBe(303)
    expect(await current()).toBeUndefined()
    expect(await shop.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0)
    const log = await shop.db.selectFrom('audit_log').select('action').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(log.action).toBe('account_deleted')
  })

  it('refuse to delete the shop’s only owner', async () => {
    shop = await buildTestApp({}, { seed: false })
    user = await createUser(shop.db, { role: 'owner' })
    const cookie = await signInAs(shop.app, user)
    const refused = await submit(cookie, '/account/deletion', { password: TEST_PASSWORD })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('You are the shop’s only owner')
    expect(await current()).toBeDefined()
  })
})

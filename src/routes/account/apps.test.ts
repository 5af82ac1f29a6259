import { afterEach, describe, expect, it } from 'vitest'
import type { User } from '../../db/schema.js'
import { hashBearer } from '../../modules/api-access/bearer.js'
import { staffSession } from '../../testing/admin.js'
import { type ApiClient, apiClient } from '../../testing/api.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createUser, signInAs, TEST_PASSWORD } from '../../testing/factories.js'
import { htmlErrors } from '../../testing/html.js'
import { csrfTokenIn, postForm } from '../../testing/http.js'

const PHONE_APP = 'Shopfront/2.1 (iPhone; iOS 17.5; Scale/3.00)'
const ANDROID_APP = 'Shopfront/2.0 (Linux; Android 14)'

/**
 * Apps signed in through the API, seen from the account: listed on the
 * devices page beside the browsers, signed out from there, and signed out
 * wherever the HTML ends a customer's sessions (a new password, a reset, a
 * disabled account).
 */
describe('apps signed in to an account', () => {
  let shop: TestShop
  let api: ApiClient
  let ada: User
  afterEach(() => shop.close())

  async function setUp() {
    shop = await buildTestApp()
    api = await apiClient(shop.app)
    ada = await createUser(shop.db, { email: 'ada@example.com', name: 'Ada' })
  }

  async function appToken(user: User, userAgent = PHONE_APP): Promise<string> {
    const response = await api.request({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: user.email, password: TEST_PASSWORD },
      headers: { 'user-agent': userAgent },
    })
    expect(response.statusCode).toBe(201)
    return response.json().access_token
  }
  const works = async (token: string) =>
    (await api.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).statusCode === 200
  const tokenId = async (token: string) =>
    (
      await shop.db
        .selectFrom('customer_tokens')
        .select('id')
        .where('token_hash', '=', hashBearer(token))
        .executeTakeFirstOrThrow()
    ).id

  /** Posts a form on an account page as the signed-in browser does: with the page's token. */
  async function submit(cookie: string, url: string, fields: Record<string, string>, page = url) {
    const token = csrfTokenIn((await shop.app.inject({ url: page, headers: { cookie } })).body) as string
    return postForm(shop.app, url, { ...fields, _csrf: token }, { cookie })
  }

  it('lists each live app on the devices page, and signs one out at once with its button', async () => {
    await setUp()
    const phone = await appToken(ada)
    const tablet = await appToken(ada, ANDROID_APP)
    const expired = await appToken(ada, 'Old/1.0')
    await shop.db
      .updateTable('customer_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', await tokenId(expired))
      .execute()
    await works(phone)
    const cookie = await signInAs(shop.app, ada)

    const page = await shop.app.inject({ url: '/account/sessions', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    expect(await htmlErrors(page.body)).toEqual([])
    expect(page.body).toContain('Shopfront 2.1 on iOS')
    expect(page.body).toContain('Shopfront 2.0 on Android')
    expect(page.body).not.toContain('Old 1.0')
    const ids = [...page.body.matchAll(/action="\/account\/sessions\/apps\/(\d+)\/ending"/g)].map((m) => Number(m[1]))
    expect(ids).toEqual([await tokenId(tablet), await tokenId(phone)])
    // The phone's app was used just now; the tablet's not yet.
    expect(page.body).toContain('Not yet')

    // Without the form's token nothing is signed out.
    const forged = await postForm(shop.app, `/account/sessions/apps/${ids[1]}/ending`, {}, { cookie })
    expect(forged.statusCode).toBe(403)
    expect(await works(phone)).toBe(true)

    const ended = await submit(cookie, `/account/sessions/apps/${ids[1]}/ending`, {}, '/account/sessions')
    expect(ended.statusCode).toBe(303)
    expect(ended.headers.location).toBe('/account/sessions')
    expect(await works(phone)).toBe(false)
    expect(await works(tablet)).toBe(true)
    const after = await shop.app.inject({ url: '/account/sessions', headers: { cookie } })
    expect(after.body).toContain('That app is now signed out.')
    expect(after.body).not.toContain('Shopfront 2.1 on iOS')
    const audit = await shop.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(audit.action).toBe('session_ended')
    expect(JSON.parse(audit.details ?? '{}')).toEqual({ app: true })
  })

  it('never signs out another customer’s app, nor one already signed out', async () => {
    await setUp()
    const bob = await createUser(shop.db)
    const bobs = await appToken(bob)
    const cookie = await signInAs(shop.app, ada)
    for (const id of [String(await tokenId(bobs)), '0', 'abc', '99999999999']) {
      const refused = await submit(cookie, `/account/sessions/apps/${id}/ending`, {}, '/account/sessions')
      expect(refused.statusCode, id).toBe(303)
      const page = await shop.app.inject({ url: '/account/sessions', headers: { cookie } })
      expect(page.body).toContain('That app had already been signed out.')
    }
    expect(await works(bobs)).toBe(true)
  })

  it('lists the apps in the account’s data export, without their tokens', async () => {
    await setUp()
    const phone = await appToken(ada)
    const cookie = await signInAs(shop.app, ada)
    const data = await shop.app.inject({ url: '/account/export', headers: { cookie } })
    expect(data.json().apps).toEqual([
      { name: 'Shopfront 2.1 on iOS', signedInAt: expect.any(String), lastUsedAt: null, expiresAt: expect.any(String) },
    ])
    expect(data.body).not.toContain(phone)
    expect(data.body).not.toContain(hashBearer(phone))
  })

  it('says when no app is signed in', async () => {
    await setUp()
    const cookie = await signInAs(shop.app, ada)
    const page = await shop.app.inject({ url: '/account/sessions', headers: { cookie } })
    expect(page.body).toContain('No app is signed in to your account.')
  })

  it('signs every app out when the password is changed on the account page', async () => {
    await setUp()
    const phone = await appToken(ada)
    const cookie = await signInAs(shop.app, ada)
    const changed = await submit(cookie, '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase',
    })
    expect(changed.statusCode).toBe(303)
    expect(await works(phone)).toBe(false)
  })

  it('signs every app out when the password is reset by an emailed link', async () => {
    await setUp()
    const phone = await appToken(ada)
    expect((await postForm(shop.app, '/forgot-password', { email: ada.email })).statusCode).toBe(303)
    const mail = await shop.db
      .selectFrom('outbox_emails')
      .select('text')
      .where('template', '=', 'reset-password')
      .executeTakeFirstOrThrow()
    const token = /reset-password\?token=([\w-]+)/.exec(mail.text)?.[1] as string
    const reset = await postForm(shop.app, '/reset-password', { token, password: 'a brand new passphrase' })
    expect(reset.statusCode).toBe(303)
    expect(await works(phone)).toBe(false)
    const audit = await shop.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'password_reset')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(audit.details ?? '{}')).toMatchObject({ appsSignedOut: 1 })
  })

  it('signs every app out when staff disable the account, and enabling it again does not bring them back', async () => {
    await setUp()
    const phone = await appToken(ada)
    const staff = await staffSession(shop)
    expect((await staff.post(`/admin/customers/${ada.id}/disablement`)).statusCode).toBe(303)
    expect(await works(phone)).toBe(false)
    expect((await staff.post(`/admin/customers/${ada.id}/enablement`)).statusCode).toBe(303)
    expect(await works(phone)).toBe(false)
    expect(await works(await appToken(ada))).toBe(true)
  })

  it('stops a token working while its account is disabled, even before anything revokes it', async () => {
    await setUp()
    const phone = await appToken(ada)
    await shop.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).where('id', '=', ada.id).execute()
    expect(await works(phone)).toBe(false)
  })

  it('never lets a customer’s token open an account that has become staff', async () => {
    await setUp()
    const phone = await appToken(ada)
    await shop.db.updateTable('users').set({ role: 'staff' }).where('id', '=', ada.id).execute()
    expect(await works(phone)).toBe(false)
  })
})

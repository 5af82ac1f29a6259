import { afterEach, describe, expect, it } from 'vitest'
import { currentTotpCode } from '../../modules/accounts/totp.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createUser, signInAs, TEST_PASSWORD } from '../../testing/factories.js'
import { csrfTokenIn, postForm, sessionCookie } from '../../testing/http.js'

/** The key shown for typing into an app, without its spaces. */
function keyOn(html: string): string {
  return (/<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1] ?? '').replace(/ /g, '')
}

describe('two-factor sign-in', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  async function submit(cookie: string, url: string, fields: Record<string, string>, page = url) {
    const token = csrfTokenIn((await shop.app.inject({ url: page, headers: { cookie } })).body) as string
    return postForm(shop.app, url, { ...fields, _csrf: token }, { cookie })
  }

  async function passwordStep(email: string) {
    const response = await postForm(shop.app, '/login', { email, password: TEST_PASSWORD })
    expect(response.headers.location).toBe('/login/two-factor')
    return sessionCookie(response) as string
  }

  it('is set up by scanning a QR code and proving it with a code, and gives ten recovery codes once', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    let cookie = await signInAs(shop.app, user)
    const page = await shop.app.inject({ url: '/account/two-factor', headers: { cookie } })
    expect(page.body).toMatch(/<svg role="img" aria-label="QR code for your authenticator app"/)
    const secret = keyOn(page.body)
    expect(secret).toHaveLength(32)

    const wrong = await submit(cookie, '/account/two-factor', { code: '000000' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('That code is not right')
    const right = await submit(cookie, '/account/two-factor', { code: currentTotpCode(secret) })
    expect(right.statusCode).toBe(303)
    expect(right.headers.location).toBe('/account/two-factor/recovery-codes')
    cookie = sessionCookie(right) as string

    const codesPage = await shop.app.inject({ url: '/account/two-factor/recovery-codes', headers: { cookie } })
    const codes = [...codesPage.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1])
    expect(codes).toHaveLength(10)
    expect(codesPage.headers['cache-control']).toBe('no-store')
    expect((await shop.app.inject({ url: '/account/two-factor/recovery-codes', headers: { cookie } })).statusCode).toBe(
      303,
    )

    const stored = await shop.db.selectFrom('recovery_codes').select('code_hash').execute()
    expect(stored).toHaveLength(10)
    expect(stored.map((r) => r.code_hash)).not.toContain(codes[0])
    const row = await shop.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()
    expect(row.totp_secret).toBe(secret)
    expect(row.totp_enabled_at).not.toBeNull()
  })

  it('asks for a code after the password; a wrong code fails, a right one signs in, and it works only once', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { twoFactor: true })
    const secret = user.totp_secret as string
    let pending = await passwordStep(user.email)
    expect((await shop.app.inject({ url: '/account', headers: { cookie: pending } })).statusCode).toBe(303)

    const wrong = await submit(pending, '/login/two-factor', { code: '123456' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('That code is not right')
    const code = currentTotpCode(secret)
    const right = await submit(pending, '/login/two-factor', { code })
    expect(right.statusCode).toBe(303)
    expect(right.headers.location).toBe('/account')
    expect(
      (await shop.app.inject({ url: '/account', headers: { cookie: sessionCookie(right) as string } })).statusCode,
    ).toBe(200)

    pending = await passwordStep(user.email)
    expect((await submit(pending, '/login/two-factor', { code })).statusCode).toBe(422)
  })

  it('lets a recovery code stand in for the app, once', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db)
    let cookie = await signInAs(shop.app, user)
    const secret = keyOn((await shop.app.inject({ url: '/account/two-factor', headers: { cookie } })).body)
    cookie = sessionCookie(await submit(cookie, '/account/two-factor', { code: currentTotpCode(secret) })) as string
    const codes = [
      ...(await shop.app.inject({ url: '/account/two-factor/recovery-codes', headers: { cookie } })).body.matchAll(
        /<li><code>([a-z0-9-]+)<\/code><\/li>/g,
      ),
    ].map((m) => m[1] as string)

    let pending = await passwordStep(user.email)
    const typed = (codes[3] as string).toUpperCase().replace(/-/g, ' ')
    expect((await submit(pending, '/login/two-factor', { code: typed })).statusCode).toBe(303)
    pending = await passwordStep(user.email)
    expect((await submit(pending, '/login/two-factor', { code: codes[3] as string })).statusCode).toBe(422)
    const log = await shop.db.selectFrom('audit_log').select('action').execute()
    expect(log.map((e) => e.action)).toContain('recovery_code_used')
  })

  it('throttles wrong codes like wrong passwords', async () => {
    shop = await buildTestApp()
    const user = await createUser(shop.db, { twoFactor: true })
    const pending = await passwordStep(user.email)
    for (let i = 0; i < 5; i++) await submit(pending, '/login/two-factor', { code: '000000' })
    const blocked = await submit(pending, '/login/two-factor', { code: currentTotpCode(user.totp_secret as string) })
    expect(blocked.statusCode).toBe(429)
  })

  it('has no second step without a right password first', async () => {
    shop = await buildTestApp()
    expect((await shop.app.inject({ url: '/login/two-factor' })).statusCode).toBe(303)
    const post = await postForm(shop.app, '/login/two-factor', { code: '123456' })
    expect(post.statusCode).toBe(303)
    expect(post.headers.location).toBe('/login')
  })

  it('is required of staff: without it the back office sends them to set it up', async () => {
    shop = await buildTestApp()
    const staff = await createUser(shop.db, { role: 'staff', twoFactor: false })
    const cookie = await signInAs(shop.app, staff)
    const admin = await shop.app.inject({ url: '/admin', headers: { cookie } })
    expect(admin.statusCode).toBe(303)
    expect(admin.headers.location).toBe('/account/two-factor')
  })

  it('and staff must have confirmed their address before the back office opens', async () => {
    shop = await buildTestApp()
    const staff = await createUser(shop.db, { role: 'staff', verified: false })
    const cookie = await signInAs(shop.app, staff)
    const admin = await shop.app.inject({ url: '/admin', headers: { cookie } })
    expect(admin.statusCode).toBe(303)
    expect(admin.headers.location).toBe('/account')
  })

  it('cannot be turned off by staff; a customer can, with their password', async () => {
    shop = await buildTestApp()
    const staff = await createUser(shop.db, { role: 'staff' })
    const staffCookie = await signInAs(shop.app, staff)
    const refused = await submit(
      staffCookie,
      '/account/two-factor/disabling',
      { password: TEST_PASSWORD },
      '/account/two-factor',
    )
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('Staff and owners must keep two-factor sign-in on')

    const customer = await createUser(shop.db, { twoFactor: true })
    const cookie = await signInAs(shop.app, customer)
    expect(
      (await submit(cookie, '/account/two-factor/disabling', { password: 'wrong' }, '/account/two-factor')).statusCode,
    ).toBe(422)
    expect(
      (await submit(cookie, '/account/two-factor/disabling', { password: TEST_PASSWORD }, '/account/two-factor'))
        .statusCode,
    ).toBe(303)
    const row = await shop.db
      .selectFrom('users')
      .select('totp_enabled_at')
      .where('id', '=', customer.id)
      .executeTakeFirstOrThrow()
    expect(row.totp_enabled_at).toBeNull()
  })

  it('tells staff by email of every new sign-in to the back office', async () => {
    shop = await buildTestApp()
    const staff = await createUser(shop.db, { role: 'staff' })
    await signInAs(shop.app, staff)
    const mail = await shop.db.selectFrom('outbox_emails').selectAll().where('template', '=', 'new-sign-in').execute()
    expect(mail).toHaveLength(1)
    expect(mail[0]?.to_address).toBe(staff.email)
    expect(mail[0]?.text).toContain('Address: 127.0.0.1')
  })
})

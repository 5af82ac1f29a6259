import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createUser } from '../../testing/factories.js'
import { postForm, sessionCookie } from '../../testing/http.js'

describe('signing up', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  beforeEach(async () => {
    await shop.db.deleteFrom('outbox_emails').execute()
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
})

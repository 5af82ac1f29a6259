import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createUser, signInAs } from '../testing/factories.js'
import { htmlErrors } from '../testing/html.js'
import { postForm } from '../testing/http.js'

describe('every page the shop renders is valid HTML', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it.each([
    ['the home page', () => shop.app.inject({ url: '/' })],
    ['the contact page', () => shop.app.inject({ url: '/contact' })],
    ['a contact form with errors', () => postForm(shop.app, '/contact', { email: 'x' })],
    ['a refused form', () => postForm(shop.app, '/contact', {}, { headers: { origin: 'https://evil.example' } })],
    ['the 404 page', () => shop.app.inject({ url: '/missing' })],
  ])('%s', async (_name, request) => {
    const response = await request()
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it.each([
    ['the sign-up page', '/signup', null],
    ['the sign-in page', '/login?next=/account', null],
    ['the signed-out page', '/login?signed_out=1', null],
    ['a used-up confirmation link', '/verify-email?token=nothing', null],
    ['the account page of an unconfirmed customer', '/account', 'customer'],
    ['the 403 page', '/admin', 'customer'],
    ['the back-office dashboard', '/admin', 'staff'],
    ['the development mailbox', '/admin/mailbox', 'owner'],
    ['the security log', '/admin/security-log', 'owner'],
    ['the name form', '/account/profile', 'customer'],
    ['the password form', '/account/password', 'customer'],
    ['the email form', '/account/email', 'customer'],
    ['the list of devices', '/account/sessions', 'customer'],
    ['the deletion page', '/account/deletion', 'customer'],
    ['a used-up email change link', '/confirm-email?token=nothing', null],
    ['two-factor set-up with its QR code', '/account/two-factor', 'customer'],
    ['two-factor status for staff', '/account/two-factor', 'staff'],
    ['the forgot-password page', '/forgot-password', null],
  ] as const)('%s', async (_name, url, role) => {
    const headers = role
      ? { cookie: await signInAs(shop.app, await createUser(shop.db, { role, verified: role !== 'customer' })) }
      : {}
    const response = await shop.app.inject({ url, headers })
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('forms that failed: sign-up and sign-in', async () => {
    for (const response of [
      await postForm(shop.app, '/signup', { name: '', email: 'x', password: 'short' }),
      await postForm(shop.app, '/login', { email: 'nobody@example.com', password: 'wrong' }),
    ]) {
      expect(response.statusCode).toBe(422)
      expect(await htmlErrors(response.body)).toEqual([])
    }
  })

  it('the plain page sent when the layout itself fails', async () => {
    const other = await buildTestApp()
    await other.db.schema.dropTable('settings').execute()
    const response = await other.app.inject({ url: '/' })
    expect(response.statusCode).toBe(500)
    expect(await htmlErrors(response.body)).toEqual([])
    await other.close()
  })
})

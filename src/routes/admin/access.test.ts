import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createUser, signInAs } from '../../testing/factories.js'
import { postForm } from '../../testing/http.js'

describe('who may enter the back office', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it('sends an anonymous visitor to sign in, with the way back', async () => {
    const response = await shop.app.inject({ url: '/admin' })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login?next=%2Fadmin')
  })

  it('shows a signed-in customer a 403 page', async () => {
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'customer' }))
    for (const url of ['/admin', '/admin/mailbox']) {
      const response = await shop.app.inject({ url, headers: { cookie } })
      expect(response.statusCode, url).toBe(403)
      expect(response.body).toContain('You do not have access to this page.')
    }
  })

  it('lets staff and owners in, in the back-office layout', async () => {
    for (const role of ['staff', 'owner'] as const) {
      const cookie = await signInAs(shop.app, await createUser(shop.db, { role, name: `A ${role}` }))
      const response = await shop.app.inject({ url: '/admin', headers: { cookie } })
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain(`Signed in as <strong>A ${role}</strong> (${role})`)
      expect(response.body).toContain('<nav class="admin-nav" aria-label="Back office">')
    }
  })

  it('shows staff the development mailbox, with the links in each email', async () => {
    await postForm(shop.app, '/signup', { name: 'Grace', email: 'grace@example.com', password: 'compilers are fun' })
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'staff' }))
    const response = await shop.app.inject({ url: '/admin/mailbox', headers: { cookie } })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Confirm your email address for Juniper &amp; Pine')
    expect(response.body).toMatch(/<a href="http:\/\/localhost:80\/verify-email\?token=[\w-]+">/)
  })
})

describe('owner-only pages', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it('refuse staff with a 403 and leave them out of the menu', async () => {
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'staff' }))
    expect((await shop.app.inject({ url: '/admin/security-log', headers: { cookie } })).statusCode).toBe(403)
    expect((await shop.app.inject({ url: '/admin', headers: { cookie } })).body).not.toContain('Security log')
  })

  it('show the owner the security log, naming people by email and never a secret', async () => {
    const owner = await createUser(shop.db, { role: 'owner', email: 'olive@example.com' })
    await postForm(shop.app, '/login', { email: 'olive@example.com', password: 'not it' })
    const cookie = await signInAs(shop.app, owner)
    const page = await shop.app.inject({ url: '/admin/security-log', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<td>sign in failed</td>')
    expect(page.body).toContain('<td>olive@example.com</td>')
    expect(page.body).not.toContain('not it')
    expect((await shop.app.inject({ url: '/admin', headers: { cookie } })).body).toContain('Security log')
  })
})

describe('the back office in production', () => {
  it('has no mailbox', async () => {
    const shop = await buildTestApp({ isProduction: true, env: 'production' })
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'owner' }))
    expect((await shop.app.inject({ url: '/admin/mailbox', headers: { cookie } })).statusCode).toBe(404)
    await shop.close()
  })
})

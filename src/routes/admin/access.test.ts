import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { User } from '../../db/schema.js'
import { currentTotpCode } from '../../modules/accounts/totp.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestProduct } from '../../testing/catalogue.js'
import { createUser, signInAs, TEST_PASSWORD } from '../../testing/factories.js'
import { htmlErrors } from '../../testing/html.js'
import { csrfTokenIn, postForm, sessionCookie } from '../../testing/http.js'

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

  it('shows each email as its customer sees it, in a sandboxed frame with a policy of its own', async () => {
    await postForm(shop.app, '/signup', { name: 'Alan', email: 'alan@example.com', password: 'machines can think' })
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'staff' }))
    const email = await shop.db
      .selectFrom('outbox_emails')
      .select(['id', 'html'])
      .where('to_address', '=', 'alan@example.com')
      .executeTakeFirstOrThrow()
    const page = await shop.app.inject({ url: '/admin/mailbox', headers: { cookie } })
    const frame = new RegExp(`<iframe class="mail-html" src="/admin/mailbox/${email.id}/html" sandbox title="[^"]+"`)
    expect(page.body).toMatch(frame)
    expect(await htmlErrors(page.body)).toEqual([])

    const html = await shop.app.inject({ url: `/admin/mailbox/${email.id}/html`, headers: { cookie } })
    expect(html.statusCode).toBe(200)
    expect(html.body).toBe(email.html)
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8')
    const csp = String(html.headers['content-security-policy'])
    // Sandboxed even when opened on its own: no script, no form, an origin of its own.
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining(['sandbox', "default-src 'none'", "style-src 'unsafe-inline'", "frame-ancestors 'self'"]),
    )
    expect(csp).not.toContain('allow-')
    expect(html.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(html.headers['cache-control']).toBe('private, no-store')
    // Every other page still refuses to be framed.
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect((await shop.app.inject({ url: '/admin/mailbox/999999/html', headers: { cookie } })).statusCode).toBe(404)
    expect((await shop.app.inject({ url: `/admin/mailbox/${email.id}/html` })).statusCode).toBe(303)
  })

  it('never makes a link of an address a visitor wrote in a contact message', async () => {
    await postForm(shop.app, '/contact', {
      name: 'Mallory https://evil.example/name',
      email: 'mallory@example.com',
      subject: 'Your invoice https://evil.example/subject',
      message: 'Pay here: https://evil.example/pay?x=1&y=2 or <a href="https://evil.example/a">here</a>',
    })
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'staff' }))
    const page = await shop.app.inject({ url: '/admin/mailbox', headers: { cookie } })
    expect(page.body).toContain('Pay here: https://evil.example/pay?x=1&amp;y=2')
    expect(page.body).not.toMatch(/<a [^>]*href="https:\/\/evil\.example/)
    expect(await htmlErrors(page.body)).toEqual([])
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
    expect(page.body).toContain('<td data-label="What">sign in failed</td>')
    expect(page.body).toContain('<td data-label="Account">olive@example.com</td>')
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

describe('the way into the back office', () => {
  let shop: TestShop
  beforeEach(async () => {
    shop = await buildTestApp()
  })
  afterEach(() => shop.close())

  const BACK_OFFICE_LINK = '<a href="/admin">Back office</a>'

  /** Signs in with the password form (and the code, for staff), returning where the last step sent them. */
  async function signInThroughForms(user: User, fields: Record<string, string> = {}) {
    const first = await postForm(shop.app, '/login', { email: user.email, password: TEST_PASSWORD, ...fields })
    expect(first.statusCode).toBe(303)
    if (first.headers.location !== '/login/two-factor') return first
    const cookie = sessionCookie(first) as string
    const token = csrfTokenIn((await shop.app.inject({ url: '/login/two-factor', headers: { cookie } })).body) ?? ''
    const code = currentTotpCode(user.totp_secret as string)
    return postForm(shop.app, '/login/two-factor', { code, _csrf: token }, { cookie })
  }

  it('shows staff and owners a link to the back office in the shop’s header, and customers none', async () => {
    for (const role of ['staff', 'owner'] as const) {
      const cookie = await signInAs(shop.app, await createUser(shop.db, { role }))
      const page = await shop.app.inject({ url: '/contact', headers: { cookie } })
      expect(page.body, role).toContain(BACK_OFFICE_LINK)
      expect(page.headers['cache-control']).toBe('private, no-cache')
    }
    const customer = await signInAs(shop.app, await createUser(shop.db))
    expect((await shop.app.inject({ url: '/contact', headers: { cookie: customer } })).body).not.toContain(
      BACK_OFFICE_LINK,
    )
    expect((await shop.app.inject({ url: '/contact' })).body).not.toContain(BACK_OFFICE_LINK)
  })

  it('never puts the link in a page kept for anonymous visitors, whoever came first', async () => {
    await createTestProduct(shop.db, { title: 'Heather Mug', variants: [{ sku: 'MUG-1', price: 1800, stock: 4 }] })
    const cookie = await signInAs(shop.app, await createUser(shop.db, { role: 'owner' }))
    for (const url of ['/', '/products', '/products/heather-mug']) {
      // The owner first: their page is theirs alone and is not kept.
      const owners = await shop.app.inject({ url, headers: { cookie } })
      expect(owners.body, url).toContain(BACK_OFFICE_LINK)
      expect(owners.headers['x-cache'], url).toBeUndefined()
      const first = await shop.app.inject({ url })
      expect(first.headers['x-cache'], url).toBe('MISS')
      const again = await shop.app.inject({ url })
      expect(again.headers['x-cache'], url).toBe('HIT')
      expect(again.body, url).not.toContain(BACK_OFFICE_LINK)
      // And the kept page is never what the owner is sent.
      const ownersAgain = await shop.app.inject({ url, headers: { cookie } })
      expect(ownersAgain.headers['x-cache'], url).toBeUndefined()
      expect(ownersAgain.body, url).toContain(BACK_OFFICE_LINK)
    }
  })

  it('sends a signed-out visitor of /admin to sign in, and back to /admin after both steps', async () => {
    const staff = await createUser(shop.db, { role: 'staff' })
    const redirect = await shop.app.inject({ url: '/admin' })
    expect(redirect.headers.location).toBe('/login?next=%2Fadmin')
    const form = await shop.app.inject({ url: redirect.headers.location as string })
    expect(form.body).toContain('<input type="hidden" name="next" value="/admin">')
    const signedIn = await signInThroughForms(staff, { next: '/admin' })
    expect(signedIn.headers.location).toBe('/admin')
    const dashboard = await shop.app.inject({ url: '/admin', headers: { cookie: sessionCookie(signedIn) as string } })
    expect(dashboard.statusCode).toBe(200)
  })

  it('lands staff and owners who sign in from the plain sign-in page in the back office, customers in their account', async () => {
    const form = await shop.app.inject({ url: '/login' })
    expect(form.body).not.toContain('name="next"')
    for (const role of ['staff', 'owner'] as const) {
      const signedIn = await signInThroughForms(await createUser(shop.db, { role }))
      expect(signedIn.headers.location, role).toBe('/admin')
      // Signed in already, the sign-in page sends them on the same way.
      const cookie = sessionCookie(signedIn) as string
      expect((await shop.app.inject({ url: '/login', headers: { cookie } })).headers.location).toBe('/admin')
    }
    const customer = await signInThroughForms(await createUser(shop.db))
    expect(customer.headers.location).toBe('/account')
  })

  it('still takes staff where a next asked them to go, and never off the site', async () => {
    // A new person each time: a code from the app works once.
    const staff = () => createUser(shop.db, { role: 'staff' })
    expect((await signInThroughForms(await staff(), { next: '/account/orders' })).headers.location).toBe(
      '/account/orders',
    )
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      expect((await signInThroughForms(await staff(), { next })).headers.location, next).toBe('/admin')
    }
  })

  it('sends someone whose session ended while sending a back-office form to sign in, and back to /admin', async () => {
    const response = await postForm(shop.app, '/admin/orders/1/notes', { note: 'Hello' })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login?next=%2Fadmin')
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { ownerSetupLink } from '../modules/accounts/owner-setup.service.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createUser } from '../testing/factories.js'
import { htmlErrors } from '../testing/html.js'
import { postForm } from '../testing/http.js'

describe('creating the owner on first run', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  const owner = { name: 'Olive', email: 'olive@example.com', password: 'a very private phrase' }

  it('makes a one-time link while the shop has no owner; a new start retires the old link', async () => {
    shop = await buildTestApp({}, { seed: false })
    const first = (await ownerSetupLink(shop.db, 'https://shop.example.com')) as string
    expect(first).toMatch(/^https:\/\/shop\.example\.com\/setup\?token=[\w-]{43}$/)
    const second = (await ownerSetupLink(shop.db, 'https://shop.example.com')) as string
    const path = (link: string) => link.replace('https://shop.example.com', '')
    expect((await shop.app.inject({ url: path(first) })).statusCode).toBe(410)
    const page = await shop.app.inject({ url: path(second) })
    expect(page.statusCode).toBe(200)
    expect(page.headers['cache-control']).toBe('no-store')
    expect(await htmlErrors(page.body)).toEqual([])
  })

  it('creates the owner, signs them in and sends them to set up two-factor sign-in; the link then dies', async () => {
    shop = await buildTestApp({}, { seed: false })
    const token = ((await ownerSetupLink(shop.db, 'http://localhost')) as string).split('token=')[1] as string
    const mistake = await postForm(shop.app, '/setup', { ...owner, password: 'short', token })
    expect(mistake.statusCode).toBe(422)
    expect(mistake.body).toContain(`name="token" value="${token}"`)

    const created = await postForm(shop.app, '/setup', { ...owner, token })
    expect(created.statusCode).toBe(303)
    expect(created.headers.location).toBe('/account/two-factor')
    const row = await shop.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ email: 'olive@example.com', role: 'owner' })
    expect((await postForm(shop.app, '/setup', { ...owner, email: 'mallory@example.com', token })).statusCode).toBe(410)
    expect(await shop.db.selectFrom('users').selectAll().execute()).toHaveLength(1)
    const log = await shop.db.selectFrom('audit_log').select('action').execute()
    expect(log.map((e) => e.action)).toContain('owner_created')
  })

  it('makes no link once an owner exists', async () => {
    shop = await buildTestApp({}, { seed: false })
    await createUser(shop.db, { role: 'owner' })
    expect(await ownerSetupLink(shop.db, 'http://localhost')).toBeNull()
  })
})

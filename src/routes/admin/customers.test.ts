import { describe, expect } from 'vitest'
import { createTestVariant } from '../../testing/catalogue.js'
import { createUser, signInAs } from '../../testing/factories.js'
import { shopTest } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'
import { placeTestOrder } from '../../testing/orders.js'

const it = shopTest.extend('staffOptions', { name: 'Sam Staff' })

describe('customers in the back office', () => {
  const idsIn = (html: string) => [...html.matchAll(/href="\/admin\/customers\/(\d+)"/g)].map((m) => Number(m[1]))

  it('lists customers newest first (never staff) and finds them by the start of an email or name', async ({
    shop,
    staff: { get },
  }) => {
    const ada = await createUser(shop.db, { role: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' })
    const grace = await createUser(shop.db, { role: 'customer', name: 'Grace Hopper', email: 'grace@example.com' })
    const list = await get('/admin/customers')
    expect(idsIn(list.body)).toEqual(expect.arrayContaining([grace.id, ada.id]))
    expect(list.body).not.toContain('>Sam Staff</a>')
    expect(await htmlErrors(list.body)).toEqual([])
    expect(idsIn((await get('/admin/customers?q=GRACE@')).body)).toEqual([grace.id])
    expect(idsIn((await get('/admin/customers?q=ada%20l')).body)).toEqual([ada.id])
    expect(idsIn((await get('/admin/customers?q=_')).body)).toEqual([])
    expect((await get(`/admin/customers?q=${'x'.repeat(101)}`)).statusCode).toBe(422)
  })

  it('shows a customer’s orders and what they spent: paid orders, less refunds', async ({
    shop,
    staff: { get, post },
  }) => {
    const casey = await createUser(shop.db, { role: 'customer', name: 'Casey Customer' })
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1000, stock: 9 })).id
    const paid = await placeTestOrder(shop.db, variant, { token: 'a', userId: casey.id })
    const unpaid = await placeTestOrder(shop.db, variant, { token: 'b', userId: casey.id })
    await post(`/admin/orders/${paid.number}/payment`)
    const page = await get(`/admin/customers/${casey.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`href="/admin/orders/${paid.number}"`)
    expect(page.body).toContain(`href="/admin/orders/${unpaid.number}"`)
    expect(page.body).toContain(`£${(paid.total / 100).toFixed(2)} <span class="muted">(paid orders, less refunds)`)
    expect(await htmlErrors(page.body)).toEqual([])
    // Staff are not customers here.
    const staff = await shop.db.selectFrom('users').select('id').where('role', '=', 'staff').executeTakeFirstOrThrow()
    expect((await get(`/admin/customers/${staff.id}`)).statusCode).toBe(404)
  })

  it('disables an account after asking, signing the customer out everywhere, and enables it again', async ({
    shop,
    staff: { get, post },
  }) => {
    const casey = await createUser(shop.db, { role: 'customer', name: 'Casey Customer', email: 'casey.c@example.com' })
    const theirs = await signInAs(shop.app, casey)
    expect((await shop.app.inject({ url: '/account', headers: { cookie: theirs } })).statusCode).toBe(200)

    const confirm = await get(`/admin/customers/${casey.id}/disablement`)
    expect(confirm.body).toContain('Disable Casey Customer’s account?')
    expect(await htmlErrors(confirm.body)).toEqual([])
    expect((await post(`/admin/customers/${casey.id}/disablement`)).headers.location).toBe(
      `/admin/customers/${casey.id}`,
    )

    // Their session has ended, and signing in again is refused.
    const after = await shop.app.inject({ url: '/account', headers: { cookie: theirs } })
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toMatch(/^\/login/)
    await expect(signInAs(shop.app, casey)).rejects.toThrow()
    const page = await get(`/admin/customers/${casey.id}`)
    expect(page.body).toContain('The account is disabled and signed out everywhere.')
    expect(page.body).toContain('Enable the account')

    await post(`/admin/customers/${casey.id}/disablement`)
    expect((await get(`/admin/customers/${casey.id}`)).body).toContain('account is already disabled')

    await post(`/admin/customers/${casey.id}/enablement`)
    expect(await signInAs(shop.app, casey)).toMatch(/^sid=/)
    const log = await shop.db.selectFrom('activity_log').select('action').orderBy('id').execute()
    expect(log.map((l) => l.action)).toEqual(['customer.disabled', 'customer.enabled'])
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StaffSession, staffSession } from '../testing/admin.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createUser, signInAs } from '../testing/factories.js'

// Past PostgreSQL's `integer` (every id column's type there): a made-up id of this size once reached the
// database, which refused to compare it, where SQLite simply found no row.
const TOO_LARGE = '9999999999'

describe('ids in URLs', () => {
  let shop: TestShop
  let owner: StaffSession
  beforeAll(async () => {
    shop = await buildTestApp()
    owner = await staffSession(shop, { role: 'owner' })
  })
  afterAll(() => shop.close())

  it('answer 404 for an id no row can have, on every page that takes one', async () => {
    for (const path of [
      `/admin/products/${TOO_LARGE}`,
      `/admin/products/${TOO_LARGE}/images`,
      `/admin/products/imports/${TOO_LARGE}`,
      `/admin/variants/${TOO_LARGE}`,
      `/admin/categories/${TOO_LARGE}`,
      `/admin/customers/${TOO_LARGE}`,
      `/admin/discounts/${TOO_LARGE}`,
      `/admin/staff/${TOO_LARGE}`,
      `/admin/outbox/${TOO_LARGE}`,
      `/admin/orders/${TOO_LARGE}`,
      '/admin/orders/0012',
    ]) {
      expect((await owner.get(path)).statusCode, path).toBe(404)
    }
    const customer = await createUser(shop.db)
    const cookie = await signInAs(shop.app, customer)
    const order = await shop.app.inject({ url: `/account/orders/${TOO_LARGE}`, headers: { cookie } })
    expect(order.statusCode).toBe(404)
  })

  it('refuse a list cursor no row can have with 422, never reaching the database', async () => {
    for (const path of ['/admin/customers', '/admin/outbox', '/admin/activity']) {
      const page = await owner.get(`${path}?before=${TOO_LARGE}99`)
      expect(page.statusCode, path).toBe(422)
    }
    expect((await owner.get(`/admin/activity?actor=${TOO_LARGE}`)).body).toContain('Choose someone from the list')
  })
})

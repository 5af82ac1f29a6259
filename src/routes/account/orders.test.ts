import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueToken } from '../../modules/accounts/tokens.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestVariant } from '../../testing/catalogue.js'
import { createUser, signInAs } from '../../testing/factories.js'
import { htmlErrors } from '../../testing/html.js'
import { csrfTokenIn, postForm } from '../../testing/http.js'
import { placeTestOrder } from '../../testing/orders.js'

describe('a customer’s orders', () => {
  let shop: TestShop
  let variant: number
  beforeAll(async () => {
    shop = await buildTestApp()
    variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 50 })).id
  })
  afterAll(() => shop.close())

  const order = (email: string, userId: number | null, token: string) =>
    placeTestOrder(shop.db, variant, { token, userId, details: { email } })

  it('lists the customer’s orders and shows each, but never another customer’s', async () => {
    const ada = await createUser(shop.db, { email: 'ada@example.com' })
    const grace = await createUser(shop.db, { email: 'grace@example.com' })
    const mine = await order('ada@example.com', ada.id, 'a1')
    const theirs = await order('grace@example.com', grace.id, 'g1')
    const cookie = await signInAs(shop.app, ada)
    const list = await shop.app.inject({ url: '/account/orders', headers: { cookie } })
    expect(list.body).toContain(`#${mine.number}`)
    expect(list.body).not.toContain(`#${theirs.number}`)
    expect(await htmlErrors(list.body)).toEqual([])
    const page = await shop.app.inject({ url: `/account/orders/${mine.number}`, headers: { cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`Order #${mine.number}`)
    expect(await htmlErrors(page.body)).toEqual([])
    expect((await shop.app.inject({ url: `/account/orders/${theirs.number}`, headers: { cookie } })).statusCode).toBe(
      404,
    )
    expect((await shop.app.inject({ url: '/account/orders/abc', headers: { cookie } })).statusCode).toBe(404)
    expect((await shop.app.inject({ url: '/account/orders' })).headers.location).toBe('/login?next=%2Faccount%2Forders')
  })

  it('joins guest orders placed with the same address when the customer confirms it', async () => {
    const guestOrder = await order('lin@example.com', null, 'guest-1')
    const other = await order('someone-else@example.com', null, 'guest-2')
    const lin = await createUser(shop.db, { email: 'lin@example.com', verified: false })
    const cookie = await signInAs(shop.app, lin)
    expect((await shop.app.inject({ url: '/account/orders', headers: { cookie } })).body).not.toContain(
      `#${guestOrder.number}`,
    )
    const token = await issueToken(shop.db, {
      userId: lin.id,
      purpose: 'verify_email',
      ttlMs: 60_000,
      data: { email: 'lin@example.com' },
    })
    const form = await shop.app.inject({ url: `/verify-email?token=${token}`, headers: { cookie } })
    const confirmed = await postForm(
      shop.app,
      '/verify-email',
      { token, _csrf: csrfTokenIn(form.body) as string },
      { cookie },
    )
    expect(confirmed.statusCode).toBe(303)
    const list = await shop.app.inject({ url: '/account/orders', headers: { cookie } })
    expect(list.body).toContain(`#${guestOrder.number}`)
    expect(list.body).not.toContain(`#${other.number}`)
  })
})

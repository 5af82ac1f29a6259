import { describe, expect } from 'vitest'
import type { User } from '../../../db/schema.js'
import { encodeCursor } from '../../../lib/cursor.js'
import type { Order } from '../../../modules/orders/place-order.js'
import { type ApiClient, apiClient } from '../../../testing/api.js'
import type { TestShop } from '../../../testing/app.js'
import { createUser, TEST_PASSWORD } from '../../../testing/factories.js'
import { shopTest } from '../../../testing/fixtures.js'
import { copyOrder, placeTestOrder } from '../../../testing/orders.js'

/** A customer signed in through the API, with the headers that carry their token. */
async function signedIn(api: ApiClient, user: User) {
  const response = await api.request({
    method: 'POST',
    url: '/api/v1/sessions',
    payload: { email: user.email, password: TEST_PASSWORD },
  })
  expect(response.statusCode).toBe(201)
  return { authorization: `Bearer ${response.json().access_token}` }
}

/** More orders of `user`, copies of `order` numbered from `firstNumber`, placed at these minutes of one day (the same minute for ties). */
async function moreOrders(shop: TestShop, order: Order, user: User, minutes: number[], firstNumber: number) {
  for (const [i, minute] of minutes.entries()) {
    const number = firstNumber + i
    await copyOrder(shop.db, order, {
      number,
      access_token: `access-${number}`,
      checkout_token: `checkout-${number}`,
      user_id: user.id,
      placed_at: new Date(Date.UTC(2026, 0, 10, 0, minute)).toISOString(),
    })
  }
}

describe('the signed-in customer through the API', () => {
  shopTest('their account: GET /me, and 401 without their token', async ({ shop }) => {
    const api = await apiClient(shop.app)
    const ada = await createUser(shop.db, { email: 'ada@example.com', name: 'Ada' })
    const headers = await signedIn(api, ada)
    const response = await api.get('/api/v1/me', { headers })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.json()).toEqual({
      id: ada.id,
      name: 'Ada',
      email: 'ada@example.com',
      email_verified_at: ada.email_verified_at,
      two_factor_enabled: false,
      created_at: ada.created_at,
    })
    const anonymous = await api.get('/api/v1/me')
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json().detail).toMatch(/^Sign in first/)
  })

  shopTest(
    'their orders, newest first, a page at a time by cursor, never skipping or repeating one while orders arrive',
    async ({ shop, variant }) => {
      const api = await apiClient(shop.app)
      const ada = await createUser(shop.db)
      const other = await createUser(shop.db)
      const headers = await signedIn(api, ada)
      const first = await placeTestOrder(shop.db, variant, { token: 'ada-1', userId: ada.id })
      await placeTestOrder(shop.db, variant, { token: 'other-1', userId: other.id })
      await placeTestOrder(shop.db, variant, { token: 'guest-1', userId: null })
      // Two pairs placed in the same minute: the id breaks the tie.
      await moreOrders(shop, first, ada, [1, 2, 2, 3, 3], 9001)

      const seen: number[] = []
      let url: string | null = '/api/v1/me/orders?limit=2'
      let pages = 0
      while (url) {
        const page = await api.get(url, { headers })
        expect(page.statusCode).toBe(200)
        expect(page.headers['cache-control']).toBe('private, no-store')
        const { data, next_cursor } = page.json()
        seen.push(...data.map((o: { number: number }) => o.number))
        if (pages === 0) {
          expect(data[0]).toEqual({
            number: first.number,
            status: 'open',
            payment_status: 'pending',
            fulfilment_status: 'unfulfilled',
            currency: first.currency,
            total: first.total,
            placed_at: first.placed_at,
            updated_at: first.updated_at,
          })
          // An order placed while the client pages is newer than where the pages are: the rest neither show nor skip it.
          await copyOrder(shop.db, first, {
            number: 9100,
            access_token: 'access-9100',
            checkout_token: 'checkout-9100',
            user_id: ada.id,
            placed_at: new Date().toISOString(),
          })
        }
        if (next_cursor) {
          expect(page.headers.link).toBe(`</api/v1/me/orders?limit=2&cursor=${next_cursor}>; rel="next"`)
        } else {
          expect(page.headers.link).toBeUndefined()
        }
        url = next_cursor ? `/api/v1/me/orders?limit=2&cursor=${encodeURIComponent(next_cursor)}` : null
        pages++
      }
      expect(seen).toEqual([first.number, 9005, 9004, 9003, 9002, 9001])
      expect(new Set(seen).size).toBe(seen.length)
      expect(pages).toBe(3)

      const all = (await api.get('/api/v1/me/orders', { headers })).json()
      expect(all.data.map((o: { number: number }) => o.number)).toEqual([
        9100,
        first.number,
        9005,
        9004,
        9003,
        9002,
        9001,
      ])
      expect(all.next_cursor).toBeNull()
    },
  )

  shopTest(
    'refuses a cursor that was changed or made for another list, and a limit out of range, with 400',
    async ({ shop }) => {
      const api = await apiClient(shop.app)
      const headers = await signedIn(api, await createUser(shop.db))
      const foreign = encodeCursor(shop.config.sessionSecret, { price: 100, id: 3 })
      for (const query of [
        'cursor=eyJpZCI6MX0.AAAAAAAAAAAAAAAAAAAAAA',
        'cursor=nonsense',
        `cursor=${foreign}`,
        'limit=0',
        'limit=101',
        'limit=2.5',
        'limit=ten',
      ]) {
        const response = await api.get(`/api/v1/me/orders?${query}`, { headers })
        expect(response.statusCode, query).toBe(400)
      }
    },
  )

  shopTest(
    'one of their orders in full, and 404 for another customer’s, a guest’s or none',
    async ({ shop, variant }) => {
      const api = await apiClient(shop.app)
      const ada = await createUser(shop.db)
      const other = await createUser(shop.db)
      const headers = await signedIn(api, ada)
      const mine = await placeTestOrder(shop.db, variant, { token: 'ada-1', userId: ada.id, quantity: 2 })
      const theirs = await placeTestOrder(shop.db, variant, { token: 'other-1', userId: other.id })
      const guest = await placeTestOrder(shop.db, variant, { token: 'guest-1', userId: null })

      const response = await api.get(`/api/v1/me/orders/${mine.number}`, { headers })
      expect(response.statusCode).toBe(200)
      expect(response.headers['cache-control']).toBe('private, no-store')
      const order = response.json()
      expect(order).toMatchObject({ number: mine.number, total: mine.total, status: 'open' })
      expect(order.lines).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 2, quantity_sent: 0 })])

      for (const number of [theirs.number, guest.number, 999_999]) {
        const missing = await api.get(`/api/v1/me/orders/${number}`, { headers })
        expect(missing.statusCode, String(number)).toBe(404)
        expect(missing.json().detail).toBe('You have no order with this number.')
      }
      for (const number of ['abc', '0', '-1', '1.5', '99999999999']) {
        expect((await api.get(`/api/v1/me/orders/${number}`, { headers })).statusCode, number).toBe(400)
      }
      expect((await api.get(`/api/v1/me/orders/${mine.number}`)).statusCode).toBe(401)
    },
  )
})

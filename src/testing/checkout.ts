import type { FastifyInstance } from 'fastify'
import type { Insertable } from 'kysely'
import { expect } from 'vitest'
import type { Db } from '../db/connection.js'
import type { AddressesTable } from '../db/schema.js'
import { nowIso } from '../lib/time.js'
import type { TestShop } from './app.js'
import { createTestVariant } from './catalogue.js'
import { csrfTokenIn, postForm, sessionCookie } from './http.js'

/** A UK delivery address as a shopper types it into the checkout form. */
export const TEST_ADDRESS = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  phone: '',
  country: 'GB',
  line1: '1 Marsh Lane',
  line2: '',
  city: 'Bristol',
  postcode: 'bs14dj',
}

/** An address kept in a customer's address book, last used now: Ada's in Bristol unless `overrides` say otherwise. */
export async function createAddress(db: Db, overrides: Partial<Insertable<AddressesTable>> & { user_id: number }) {
  return db
    .insertInto('addresses')
    .values({
      name: 'Ada Lovelace',
      line1: '1 Marsh Lane',
      city: 'Bristol',
      postcode: 'BS1 4DJ',
      country: 'GB',
      last_used_at: nowIso(),
      ...overrides,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A shopper driving the checkout through app.inject, with the app and session cookie the getters give at each call. */
export function checkoutShopper(app: () => FastifyInstance, cookie: () => string) {
  async function get(url: string) {
    const response = await app().inject({ url, headers: { cookie: cookie() } })
    return { response, token: csrfTokenIn(response.body) as string }
  }

  async function post(url: string, fields: Record<string, string>) {
    // Any page with a form carries this session's token.
    const { token } = await get('/contact')
    return postForm(app(), url, { ...fields, _csrf: token }, { cookie: cookie() })
  }

  /** Address, standard delivery and `payment`, up to the review page and its one-time order token. */
  async function toReview(payment = 'bank_transfer') {
    expect((await post('/checkout', TEST_ADDRESS)).headers.location).toBe('/checkout/delivery')
    expect((await post('/checkout/delivery', { method: 'uk-standard' })).headers.location).toBe('/checkout/payment')
    expect((await post('/checkout/payment', { payment })).headers.location).toBe('/checkout/review')
    const review = await get('/checkout/review')
    return { review, orderToken: /name="token" value="([^"]+)"/.exec(review.response.body)?.[1] as string }
  }

  return { get, post, toReview }
}

/** A shopper with `quantity` of a new £18 mug in the cart, ready to check out. */
export async function shopperWithMug(shop: TestShop, quantity = 1) {
  const variant = await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 5 })
  const cookie = sessionCookie(
    await postForm(shop.app, '/cart/items', { variant_id: String(variant.id), quantity: String(quantity) }),
  ) as string
  return checkoutShopper(
    () => shop.app,
    () => cookie,
  )
}

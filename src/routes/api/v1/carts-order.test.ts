import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ABANDONED_AFTER_MS, IDEMPOTENCY_KEY_TTL_MS } from '../../../modules/api-access/idempotency.js'
import { runOrderJobs } from '../../../modules/orders/order-jobs.js'
import { updateShopSettings } from '../../../modules/settings/settings.service.js'
import { type ApiClient, apiClient } from '../../../testing/api.js'
import { appCartReadyToOrder, newAppCart } from '../../../testing/api-carts.js'
import { buildTestApp, type TestShop } from '../../../testing/app.js'
import { createTestVariant } from '../../../testing/catalogue.js'
import { shopperWithMug, TEST_ADDRESS } from '../../../testing/checkout.js'
import { type FakeStripe, startFakeStripe } from '../../../testing/fake-stripe.js'
import { OFFLINE_PAYMENTS } from '../../../testing/orders.js'
import { runScript } from '../../../testing/processes.js'

const NO_LIMITS = { apiRateLimit: { anonymous: 100_000, customer: 100_000, key: 100_000 } }

describe('placing an app’s order', () => {
  let shop: TestShop
  let api: ApiClient
  let n = 0
  beforeAll(async () => {
    shop = await buildTestApp(NO_LIMITS)
    api = await apiClient(shop.app)
  })
  afterAll(() => shop.close())

  async function mug(stock = 5, price = 1800) {
    const sku = `ORDER-MUG-${++n}`
    await createTestVariant(shop.db, { title: 'Heather Mug', sku, price, stock })
    return sku
  }
  const stockOf = async (sku: string) =>
    (await shop.db.selectFrom('variants').select('stock').where('sku', '=', sku).executeTakeFirstOrThrow()).stock
  const ordersOf = (email: string) =>
    shop.db.selectFrom('orders').select(['id', 'number', 'total']).where('email', '=', email).execute()
  const order = (key: string, payment_method = 'bank_transfer') => ({
    payload: { payment_method },
    headers: { 'idempotency-key': key },
  })

  it('places the order once however often the same request is sent: 201, then 200 with the same body', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku, 2)
    const before = (await cart.call('GET', '')).json()
    const { payload, headers } = order('first-order-key')
    const placed = await cart.call('POST', '/order', payload, headers)
    expect(placed.statusCode).toBe(201)
    const body = placed.json()
    expect(body.order).toMatchObject({
      number: expect.any(Number),
      status: 'open',
      payment_status: 'pending',
      payment_method: 'bank_transfer',
      shipping_method: 'Royal Mail Tracked 48',
      email: TEST_ADDRESS.email,
      subtotal: before.subtotal,
      discount_total: before.discount_total,
      shipping_total: before.shipping_total,
      tax_total: before.tax_total,
      total: before.total,
      lines: [expect.objectContaining({ sku, quantity: 2, unit_price: 1800 })],
    })
    expect(body.order_url).toMatch(/^http:\/\/localhost(:\d+)?\/orders\/[\w-]{32}$/)
    expect(body.payment_url).toBeNull()
    expect(await stockOf(sku)).toBe(3)

    for (let i = 0; i < 3; i++) {
      const again = await cart.call('POST', '/order', payload, headers)
      expect(again.statusCode).toBe(200)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.body).toBe(placed.body)
    }
    expect(
      await ordersOf(TEST_ADDRESS.email).then((o) => o.filter((x) => x.number === body.order.number)),
    ).toHaveLength(1)
    expect(await stockOf(sku)).toBe(3)
    // The cart was emptied by the order; the address stays for the next one, as in the browser.
    const after = (await cart.call('GET', '')).json()
    expect(after).toMatchObject({ lines: [], total: 0, shipping: null, ready: false })
    expect(after.address.email).toBe(TEST_ADDRESS.email)
    const emptyAgain = await cart.call('POST', '/order', payload, { 'idempotency-key': 'another-key' })
    expect(emptyAgain.statusCode).toBe(409)
    expect(emptyAgain.json().detail).toBe('Your cart is empty: add something to check out.')
  })

  it('answers 422 for the same key with another body, and 400 without a key or with one that is not 1–255 visible characters', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku)
    const noKey = await cart.call('POST', '/order', { payment_method: 'bank_transfer' })
    expect(noKey.statusCode).toBe(400)
    expect(noKey.json().errors['idempotency-key']).toBe(
      'Send an Idempotency-Key header of 1 to 255 visible characters, a new one for each new order',
    )
    for (const key of ['', ' ', 'x'.repeat(256), 'with space', 'é']) {
      const response = await cart.call(
        'POST',
        '/order',
        { payment_method: 'bank_transfer' },
        { 'idempotency-key': key },
      )
      expect(response.statusCode, JSON.stringify(key)).toBe(400)
    }
    expect(await stockOf(sku)).toBe(5)

    const key = 'k'.repeat(255)
    expect((await cart.call('POST', '/order', ...Object.values(order(key)))).statusCode).toBe(201)
    const other = await cart.call('POST', '/order', ...Object.values(order(key, 'pay_on_pickup')))
    expect(other.statusCode).toBe(422)
    expect(other.json().detail).toBe(
      'This Idempotency-Key was used for a different request on this cart. Send a new key for a new order.',
    )
    expect(await stockOf(sku)).toBe(4)
  })

  it('refuses bad bodies and a way to pay the shop does not offer, or that does not go with the delivery, with the checkout’s messages', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku)
    const send = (payload: unknown) => cart.call('POST', '/order', payload, { 'idempotency-key': 'bad-bodies' })
    const unknownMethod = await send({ payment_method: 'cash' })
    expect(unknownMethod.statusCode).toBe(422)
    expect(unknownMethod.json().errors).toEqual({ payment_method: 'Choose one of the ways to pay' })
    expect((await send({})).json().errors).toEqual({ payment_method: 'Choose one of the ways to pay' })
    expect((await send({ payment_method: 'bank_transfer', total: 1 })).json().errors).toEqual({
      total: 'This field is not accepted here',
    })
    const malformed = await cart.call('POST', '/order', '{', {
      'idempotency-key': 'bad-bodies',
      'content-type': 'application/json',
    })
    expect(malformed.statusCode).toBe(400)
    const pickup = await send({ payment_method: 'pay_on_pickup' })
    expect(pickup.statusCode).toBe(422)
    expect(pickup.json().errors).toEqual({
      payment_method:
        'Pay on collection is only for orders you collect, not for Royal Mail Tracked 48. Choose another way to pay, or choose to collect the order.',
    })
    // This server has no Stripe keys: card payments are not offered.
    const card = await send({ payment_method: 'stripe' })
    expect(card.json().errors).toEqual({ payment_method: 'Choose one of the ways to pay' })
    // Refusals leave the key unused: the same key then places the order.
    expect(await stockOf(sku)).toBe(5)
    expect((await send({ payment_method: 'bank_transfer' })).statusCode).toBe(201)
  })

  it('refuses to order before the address and the shipping, naming the call to make first', async () => {
    const cart = await newAppCart(api)
    await cart.call('POST', '/items', { sku: await mug(), quantity: 1 })
    const noAddress = await cart.call('POST', '/order', ...Object.values(order('early')))
    expect(noAddress.statusCode).toBe(409)
    expect(noAddress.json().detail).toBe(`Give the address first: PUT /api/v1/carts/${cart.id}/address.`)
    await cart.call('PUT', '/address', TEST_ADDRESS)
    const noShipping = await cart.call('POST', '/order', ...Object.values(order('early')))
    expect(noShipping.json().detail).toBe(`Choose a shipping option first: PUT /api/v1/carts/${cart.id}/shipping.`)
  })

  it('places a collected order paid on collection', async () => {
    const cart = await newAppCart(api)
    await cart.call('POST', '/items', { sku: await mug(), quantity: 1 })
    await cart.call('PUT', '/address', { receive: 'collect:pickup', email: 'cleo@example.com', name: 'Cleo' })
    const placed = await cart.call('POST', '/order', ...Object.values(order('collect', 'pay_on_pickup')))
    expect(placed.statusCode).toBe(201)
    expect(placed.json().order).toMatchObject({
      shipping_address: null,
      shipping_method: 'Collect from our Bristol workshop',
      payment_method: 'pay_on_pickup',
      shipping_total: 0,
    })
  })

  it('makes exactly one order of five requests sent at once with one key', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku)
    const { payload, headers } = order('all-at-once')
    const answers = await Promise.all(Array.from({ length: 5 }, () => cart.call('POST', '/order', payload, headers)))
    const statuses = answers.map((a) => a.statusCode)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.every((s) => s === 201 || s === 200 || s === 409)).toBe(true)
    for (const busy of answers.filter((a) => a.statusCode === 409)) {
      expect(busy.headers['retry-after']).toBe('1')
      expect(busy.json().detail).toBe(
        'A request with this Idempotency-Key is still being answered. Try again in a moment.',
      )
    }
    const first = answers.find((a) => a.statusCode === 201)
    for (const replay of answers.filter((a) => a.statusCode === 200)) expect(replay.body).toBe(first?.body)
    expect(await stockOf(sku)).toBe(4)
    const again = await cart.call('POST', '/order', payload, headers)
    expect(again.statusCode).toBe(200)
    expect(again.body).toBe(first?.body)
  })

  it('keeps keys per cart: two carts’ orders with the same key are two orders', async () => {
    const sku = await mug()
    const one = await appCartReadyToOrder(api, sku)
    const two = await appCartReadyToOrder(api, sku)
    const a = await one.call('POST', '/order', ...Object.values(order('shared-key')))
    const b = await two.call('POST', '/order', ...Object.values(order('shared-key')))
    expect([a.statusCode, b.statusCode]).toEqual([201, 201])
    expect(a.json().order.number).not.toBe(b.json().order.number)
    expect(await stockOf(sku)).toBe(3)
  })

  it('keeps the answer in the database: a restarted server answers the same order to the same key', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku)
    const placed = await cart.call('POST', '/order', ...Object.values(order('survives-restarts')))
    expect(placed.statusCode).toBe(201)
    const restarted = await apiClient(await shop.restart())
    const again = await restarted.request({
      method: 'POST',
      url: `${cart.url}/order`,
      payload: { payment_method: 'bank_transfer' },
      headers: { authorization: `Bearer ${cart.token}`, 'idempotency-key': 'survives-restarts' },
    })
    expect(again.statusCode).toBe(200)
    expect(again.body).toBe(placed.body)
    api = restarted
  })

  it('makes exactly one order when three server processes get the same request at once', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku)
    const key = 'three-processes'
    const startAt = Date.now() + 6000
    const workers = [0, 1].map(() =>
      runScript('src/testing/api-order-worker.ts', [
        shop.config.database,
        String(cart.id),
        cart.token,
        key,
        '3',
        String(startAt),
      ]),
    )
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())))
    const here = await Promise.all(
      Array.from({ length: 3 }, () =>
        cart.call('POST', '/order', { payment_method: 'bank_transfer' }, { 'idempotency-key': key }),
      ),
    )
    const answers = [
      ...here.map((a) => ({ status: a.statusCode, number: a.json().order?.number ?? null })),
      ...(await Promise.all(workers)).flatMap(
        (output) => JSON.parse(output) as { status: number; number: number | null }[],
      ),
    ]
    expect(answers).toHaveLength(9)
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    expect(answers.every((a) => [200, 201, 409].includes(a.status))).toBe(true)
    const numbers = new Set(answers.filter((a) => a.number !== null).map((a) => a.number))
    expect(numbers.size).toBe(1)
    expect(await stockOf(sku)).toBe(4)
    const after = await cart.call('POST', '/order', { payment_method: 'bank_transfer' }, { 'idempotency-key': key })
    expect(after.statusCode).toBe(200)
    expect(numbers.has(after.json().order.number)).toBe(true)
  }, 60_000)

  it('takes over a key whose process stopped mid-request, and finds the order that process placed instead of placing another', async () => {
    const sku = await mug()
    const cart = await appCartReadyToOrder(api, sku)
    const { payload, headers } = order('left-behind')
    const placed = await cart.call('POST', '/order', payload, headers)
    // As if the process had stopped after placing, before it kept the answer.
    const claimed = new Date(Date.now() - 10_000).toISOString()
    await shop.db
      .updateTable('idempotency_keys')
      .set({ status_code: null, response: null, created_at: claimed })
      .where('scope', '=', `cart:${cart.id}`)
      .execute()
    const busy = await cart.call('POST', '/order', payload, headers)
    expect(busy.statusCode).toBe(409)
    const abandoned = new Date(Date.now() - ABANDONED_AFTER_MS - 1000).toISOString()
    await shop.db
      .updateTable('idempotency_keys')
      .set({ created_at: abandoned })
      .where('scope', '=', `cart:${cart.id}`)
      .execute()
    const taken = await cart.call('POST', '/order', payload, headers)
    expect(taken.statusCode).toBe(201)
    expect(taken.json().order.number).toBe(placed.json().order.number)
    expect(await stockOf(sku)).toBe(4)
  })

  it('keeps keys 24 hours: the order jobs sweep older ones away', async () => {
    const cart = await appCartReadyToOrder(api, await mug())
    await cart.call('POST', '/order', ...Object.values(order('old-key')))
    const scope = `cart:${cart.id}`
    const keys = () => shop.db.selectFrom('idempotency_keys').select('key').where('scope', '=', scope).execute()
    await runOrderJobs(shop.db, {
      now: new Date(),
      baseUrl: 'http://localhost',
      payments: OFFLINE_PAYMENTS,
      log: console,
    })
    expect(await keys()).toEqual([{ key: 'old-key' }])
    await shop.db
      .updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS - 60_000).toISOString() })
      .where('scope', '=', scope)
      .execute()
    await runOrderJobs(shop.db, {
      now: new Date(),
      baseUrl: 'http://localhost',
      payments: OFFLINE_PAYMENTS,
      log: console,
    })
    expect(await keys()).toEqual([])
  })

  it('refuses an order for more than is left, as the HTML checkout does, taking no stock and leaving the key unused', async () => {
    const sku = await mug(2)
    const first = await appCartReadyToOrder(api, sku, 2)
    const second = await appCartReadyToOrder(api, sku, 1)
    expect((await first.call('POST', '/order', ...Object.values(order('first')))).statusCode).toBe(201)
    const soldOut = await second.call('POST', '/order', ...Object.values(order('second')))
    expect(soldOut.statusCode).toBe(409)
    expect(soldOut.json().detail).toBe(
      'Heather Mug has sold out. Nothing was ordered: change the quantities in your cart and check out again.',
    )
    expect(await stockOf(sku)).toBe(0)
    const keys = await shop.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('scope', '=', `cart:${second.id}`)
      .execute()
    expect(keys).toEqual([])
    expect((await second.call('GET', '')).json().lines[0].problem).toBe(
      'Sorry, this is sold out. Lower the quantity to check out',
    )
  })

  it('charges what the HTML checkout charges for the same cart: same totals, tax and shipping', async () => {
    const sku = await mug(10, 1250)
    // Another shopper than the HTML one: WELCOME10 is once per customer.
    const app = await newAppCart(api)
    await app.call('POST', '/items', { sku, quantity: 3 })
    await app.call('PUT', '/address', { ...TEST_ADDRESS, email: 'grace@example.com' })
    await app.call('PUT', '/shipping', { option_id: 'uk-standard' })
    expect((await app.call('PUT', '/discount', { code: 'WELCOME10' })).statusCode).toBe(200)
    const cartTotals = (await app.call('GET', '')).json()
    const appOrder = (await app.call('POST', '/order', ...Object.values(order('same-as-html')))).json().order

    const shopper = await shopperWithMug(shop, 3)
    await shop.db.updateTable('variants').set({ price: 1250 }).where('sku', '=', 'MUG').execute()
    const { orderToken } = await shopper.toReview('bank_transfer')
    await shopper.post('/checkout/discount', { code: 'WELCOME10' })
    const review = await shopper.get('/checkout/review')
    const token = /name="token" value="([^"]+)"/.exec(review.response.body)?.[1] ?? orderToken
    expect((await shopper.post('/checkout/orders', { token })).statusCode).toBe(303)
    const htmlOrder = await shop.db
      .selectFrom('orders')
      .selectAll()
      .where('checkout_token', '=', token)
      .executeTakeFirstOrThrow()

    for (const field of ['subtotal', 'discount_total', 'shipping_total', 'tax_total', 'total'] as const) {
      expect(appOrder[field], field).toBe(htmlOrder[field])
      expect(cartTotals[field], field).toBe(htmlOrder[field])
    }
    expect(appOrder.discount_code).toBe('WELCOME10')
    expect(htmlOrder.discount_code).toBe('WELCOME10')
  })
})

describe('an app’s order paid by card', () => {
  let stripe: FakeStripe
  let shop: TestShop
  let api: ApiClient
  beforeAll(async () => {
    stripe = await startFakeStripe({ autoDeliver: false })
  })
  afterAll(() => stripe.close())
  beforeEach(async () => {
    stripe.down = false
    const config = { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiUrl: new URL(stripe.url) }
    shop = await buildTestApp({ ...NO_LIMITS, stripe: config })
    api = await apiClient(shop.app)
    await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'CARD-MUG', price: 1800, stock: 5 })
  })
  afterEach(() => shop.close())

  it('answers the Stripe Checkout page to pay on, the same one on every retry', async () => {
    const cart = await appCartReadyToOrder(api, 'CARD-MUG')
    expect((await cart.call('GET', '')).json().payment_methods).toEqual(['stripe', 'bank_transfer'])
    const headers = { 'idempotency-key': 'card-order' }
    const placed = await cart.call('POST', '/order', { payment_method: 'stripe' }, headers)
    expect(placed.statusCode).toBe(201)
    const body = placed.json()
    expect(body.order.payment_method).toBe('stripe')
    expect(body.payment_url).toMatch(new RegExp(`^${stripe.url}/c/pay/cs_test_\\w+$`))
    const session = stripe.sessions.get(body.payment_url.split('/').pop())
    expect(session?.amount_total).toBe(body.order.total)
    const again = await cart.call('POST', '/order', { payment_method: 'stripe' }, headers)
    expect(again.statusCode).toBe(200)
    expect(again.json().payment_url).toBe(body.payment_url)
    expect(stripe.sessions.size).toBe(1)
  })

  it('still places the order when Stripe cannot be reached, answering the shop’s payment address to open it later', async () => {
    const cart = await appCartReadyToOrder(api, 'CARD-MUG')
    stripe.down = true
    const placed = await cart.call('POST', '/order', { payment_method: 'stripe' }, { 'idempotency-key': 'stripe-down' })
    expect(placed.statusCode).toBe(201)
    const { order_url, payment_url } = placed.json()
    expect(payment_url).toBe(`${order_url}/payment`)
    stripe.down = false
    const opened = await shop.app.inject({ url: new URL(payment_url).pathname })
    expect(opened.statusCode).toBe(303)
    expect(opened.headers.location).toMatch(new RegExp(`^${stripe.url}/c/pay/`))
  }, 30_000)
})

describe('the payment_method enum in the OpenAPI document', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  const documented = async () => {
    const [served, shown] = await Promise.all(
      ['/api/v1/openapi.json', '/api/v1/docs/json'].map(async (url) => {
        const doc = (await shop.app.inject({ url })).json()
        return doc.paths['/api/v1/carts/{id}/order'].post.requestBody.content['application/json'].schema.properties
          .payment_method.enum
      }),
    )
    // The reference page shows the same document.
    expect(shown).toEqual(served)
    return served
  }

  it('names the ways to pay this shop offers, and follows the settings', async () => {
    // No Stripe keys on this server: card payments are not offered, whatever the settings say.
    expect(await documented()).toEqual(['bank_transfer', 'pay_on_pickup'])
    await updateShopSettings(shop.db, { paymentMethods: ['bank_transfer'] })
    expect(await documented()).toEqual(['bank_transfer'])
  })
})

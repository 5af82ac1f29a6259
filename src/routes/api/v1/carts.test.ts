import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validate } from '../../../lib/validation.js'
import { hashBearer } from '../../../modules/api-access/bearer.js'
import { lineQuantityInput } from '../../../modules/cart/cart.forms.js'
import { checkoutSummary } from '../../../modules/orders/checkout.service.js'
import { type ApiClient, apiClient } from '../../../testing/api.js'
import { type AppCart, newAppCart } from '../../../testing/api-carts.js'
import { buildTestApp, type TestShop } from '../../../testing/app.js'
import { createTestVariant } from '../../../testing/catalogue.js'
import { TEST_ADDRESS } from '../../../testing/checkout.js'

describe('carts for apps', () => {
  let shop: TestShop
  let api: ApiClient
  let n = 0
  beforeAll(async () => {
    shop = await buildTestApp({ apiRateLimit: { anonymous: 100_000, customer: 100_000, key: 100_000 } })
    api = await apiClient(shop.app)
  })
  afterAll(() => shop.close())

  /** A new £18 mug (5 in stock unless told) with a SKU of its own. */
  async function mug(stock = 5, price = 1800) {
    const sku = `MUG-${++n}`
    await createTestVariant(shop.db, { title: 'Heather Mug', sku, price, stock })
    return sku
  }

  const lines = async (cart: AppCart) =>
    shop.db.selectFrom('cart_lines').select(['id', 'quantity']).where('cart_id', '=', cart.id).execute()

  it('makes an empty cart and answers its token once, keeping only its hash', async () => {
    const made = await api.request({ method: 'POST', url: '/api/v1/carts' })
    expect(made.statusCode).toBe(201)
    const body = made.json()
    expect(body.token).toMatch(/^sf_cart_[\w-]{43}$/)
    expect(body).toMatchObject({ lines: [], item_count: 0, subtotal: 0, total: 0, currency: 'GBP', ready: false })
    expect(made.headers['cache-control']).toBe('private, no-store')
    const row = await shop.db
      .selectFrom('api_carts')
      .selectAll()
      .where('cart_id', '=', body.id)
      .executeTakeFirstOrThrow()
    expect(row.token_hash).toBe(hashBearer(body.token))
    expect(JSON.stringify(row)).not.toContain(body.token)
  })

  it('answers 401 without the cart’s token, or with one that opens no cart, on every call', async () => {
    const cart = await newAppCart(api)
    const calls: [string, string, unknown?][] = [
      ['GET', ''],
      ['POST', '/items', { sku: 'X', quantity: 1 }],
      ['PATCH', '/items/1', { quantity: 1 }],
      ['DELETE', '/items/1'],
      ['PUT', '/address', TEST_ADDRESS],
      ['GET', '/shipping-options'],
      ['PUT', '/shipping', { option_id: 'uk-standard' }],
      ['PUT', '/discount', { code: 'WELCOME10' }],
      ['DELETE', '/discount'],
      ['POST', '/order', { payment_method: 'bank_transfer' }],
    ]
    for (const [method, path, payload] of calls) {
      for (const headers of [{}, { authorization: 'Bearer sf_cart_madeup' }]) {
        const response = await api.request({
          method: method as 'GET',
          url: `${cart.url}${path}`,
          headers: { ...headers, 'idempotency-key': 'k1' },
          ...(payload !== undefined && { payload: payload as object }),
        })
        expect(response.statusCode, `${method} ${path}`).toBe(401)
        expect(response.headers['www-authenticate']).toBe('Bearer realm="shopfront"')
      }
    }
  })

  it('answers 404 for another cart’s token, as for a cart that does not exist, and changes nothing', async () => {
    const mine = await newAppCart(api)
    const theirs = await newAppCart(api)
    const sku = await mug()
    expect((await theirs.call('POST', '/items', { sku, quantity: 1 })).statusCode).toBe(200)
    const [line] = await lines(theirs)
    const asMe = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, payload?: object) =>
      api.request({
        method,
        url: `${theirs.url}${path}`,
        headers: { authorization: `Bearer ${mine.token}`, 'idempotency-key': 'k1' },
        ...(payload && { payload }),
      })
    const refused = [
      await asMe('GET', ''),
      await asMe('POST', '/items', { sku, quantity: 1 }),
      await asMe('PATCH', `/items/${line?.id}`, { quantity: 3 }),
      await asMe('DELETE', `/items/${line?.id}`),
      await asMe('PUT', '/address', TEST_ADDRESS),
      await asMe('POST', '/order', { payment_method: 'bank_transfer' }),
    ]
    expect(refused.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404])
    expect(refused[0]?.json().detail).toBe('There is no such cart.')
    const nowhere = await api.get('/api/v1/carts/99999999', { headers: { authorization: `Bearer ${mine.token}` } })
    expect(nowhere.json().detail).toBe(refused[0]?.json().detail)
    expect(await lines(theirs)).toEqual([{ id: line?.id, quantity: 1 }])
    // A line of another cart, through my own cart, is missing too.
    expect((await mine.call('PATCH', `/items/${line?.id}`, { quantity: 2 })).statusCode).toBe(404)
    expect((await mine.call('DELETE', `/items/${line?.id}`)).statusCode).toBe(404)
    expect(await lines(theirs)).toEqual([{ id: line?.id, quantity: 1 }])
  })

  it('adds by SKU onto the line the cart has, changes a quantity, removes with 0 or DELETE', async () => {
    const cart = await newAppCart(api)
    const sku = await mug(10)
    expect((await cart.call('POST', '/items', { sku, quantity: 2 })).statusCode).toBe(200)
    const added = await cart.call('POST', '/items', { sku, quantity: 3 })
    expect(added.statusCode).toBe(200)
    const body = added.json()
    expect(body.lines).toHaveLength(1)
    expect(body.lines[0]).toMatchObject({
      sku,
      title: 'Heather Mug',
      quantity: 5,
      unit_price: 1800,
      line_total: 9000,
      problem: null,
    })
    expect(body).toMatchObject({ item_count: 5, subtotal: 9000, total: 9000, shipping_total: 0, tax_total: 1500 })
    const lineId = body.lines[0].id
    const changed = await cart.call('PATCH', `/items/${lineId}`, { quantity: 1 })
    expect(changed.json()).toMatchObject({ item_count: 1, subtotal: 1800 })
    const other = await mug()
    await cart.call('POST', '/items', { sku: other, quantity: 1 })
    const removed = await cart.call('PATCH', `/items/${lineId}`, { quantity: 0 })
    expect(removed.statusCode).toBe(200)
    expect(removed.json().lines.map((l: { sku: string }) => l.sku)).toEqual([other])
    const otherLine = removed.json().lines[0].id
    const deleted = await cart.call('DELETE', `/items/${otherLine}`)
    expect(deleted.statusCode).toBe(204)
    expect(deleted.body).toBe('')
    expect((await cart.call('DELETE', `/items/${otherLine}`)).statusCode).toBe(404)
    expect((await cart.call('GET', '')).json()).toMatchObject({ lines: [], item_count: 0, total: 0 })
  })

  it('refuses a quantity that is not a whole number from 1 (0 to change a line) to 99 with the form’s messages, changing nothing', async () => {
    const cart = await newAppCart(api)
    const sku = await mug()
    const add = async (quantity: unknown) => {
      const response = await cart.call('POST', '/items', { sku, quantity })
      expect(response.statusCode, JSON.stringify(quantity)).toBe(422)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      return response.json().errors.quantity
    }
    expect(await add(-1)).toBe('Choose at least 1')
    expect(await add(0)).toBe('Choose at least 1')
    expect(await add(1.5)).toBe('Enter the quantity as a whole number, like 2')
    expect(await add('2')).toBe('Enter the quantity as a whole number, like 2')
    expect(await add(null)).toBe('Enter the quantity as a whole number, like 2')
    expect(await add(100)).toBe('You can order at most 99 of one item')
    expect(await add(undefined)).toBe('Enter a quantity')
    // The same rule as the cart page's form, message for message.
    const form = validate(lineQuantityInput, { quantity: '100' })
    expect(form.ok ? null : form.errors.quantity).toBe('You can order at most 99 of one item')
    expect(await lines(cart)).toEqual([])

    expect((await cart.call('POST', '/items', { sku, quantity: 1 })).statusCode).toBe(200)
    const [line] = await lines(cart)
    const change = async (quantity: unknown) => {
      const response = await cart.call('PATCH', `/items/${line?.id}`, { quantity })
      expect(response.statusCode).toBe(422)
      return response.json().errors.quantity
    }
    expect(await change(-1)).toBe('Enter 0 or more')
    expect(await change(2.5)).toBe('Enter the quantity as a whole number, like 2')
    expect(await change('3')).toBe('Enter the quantity as a whole number, like 2')
    expect(await lines(cart)).toEqual([{ id: line?.id, quantity: 1 }])
  })

  it('refuses an unknown SKU, unknown fields, malformed JSON and a made-up line id, each a problem', async () => {
    const cart = await newAppCart(api)
    const sku = await mug()
    const unknown = await cart.call('POST', '/items', { sku: 'NO-SUCH-THING', quantity: 1 })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().errors).toEqual({ sku: 'There is no item with this SKU' })
    const blank = await cart.call('POST', '/items', { sku: ' ', quantity: 1 })
    expect(blank.json().errors).toEqual({ sku: 'Enter the SKU of the item to add' })
    const extra = await cart.call('POST', '/items', { sku, quantity: 1, price: 1 })
    expect(extra.statusCode).toBe(422)
    expect(extra.json().errors).toEqual({ price: 'This field is not accepted here' })
    const malformed = await cart.call('POST', '/items', '{"sku": ', { 'content-type': 'application/json' })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/)
    const notAnObject = await cart.call('POST', '/items', '[1]', { 'content-type': 'application/json' })
    expect(notAnObject.statusCode).toBe(422)
    expect((await cart.call('PATCH', '/items/abc', { quantity: 1 })).statusCode).toBe(404)
    expect((await cart.call('PATCH', '/items/99999999999999', { quantity: 1 })).statusCode).toBe(404)
    expect(await lines(cart)).toEqual([])
  })

  it('refuses more than the stock with the cart’s own messages, and a product no longer sold', async () => {
    const cart = await newAppCart(api)
    const sku = await mug(3)
    const tooMany = await cart.call('POST', '/items', { sku, quantity: 4 })
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.json().errors).toEqual({ quantity: 'Only 3 left' })
    await cart.call('POST', '/items', { sku, quantity: 2 })
    const more = await cart.call('POST', '/items', { sku, quantity: 2 })
    expect(more.json().errors).toEqual({ quantity: 'Only 3 left, and 2 are already in your cart' })
    const soldOut = await mug(0)
    expect((await cart.call('POST', '/items', { sku: soldOut, quantity: 1 })).json().errors).toEqual({
      quantity: 'Sorry, this is sold out',
    })
    const draft = await mug()
    await shop.db
      .updateTable('products')
      .set({ status: 'draft' })
      .where('id', '=', (eb) => eb.selectFrom('variants').select('product_id').where('sku', '=', draft))
      .execute()
    expect((await cart.call('POST', '/items', { sku: draft, quantity: 1 })).json().errors).toEqual({
      sku: 'Sorry, that item is not for sale any more. Have a look at what else we have',
    })
    // Stock that ran out since: the line says so, and the cart is not ready.
    await shop.db.updateTable('variants').set({ stock: 1 }).where('sku', '=', sku).execute()
    const cartNow = (await cart.call('GET', '')).json()
    expect(cartNow.lines[0].problem).toBe('Only 1 left. Lower the quantity to check out')
    expect(cartNow.ready).toBe(false)
  })

  it('takes the checkout’s address step with its fields, rules and messages, email included', async () => {
    const cart = await newAppCart(api)
    const empty = await cart.call('PUT', '/address', TEST_ADDRESS)
    expect(empty.statusCode).toBe(409)
    expect(empty.json().detail).toBe('Your cart is empty: add something to check out.')
    await cart.call('POST', '/items', { sku: await mug(), quantity: 1 })

    const blank = await cart.call('PUT', '/address', {})
    expect(blank.statusCode).toBe(422)
    expect(blank.json().errors).toEqual({
      email: 'Enter your email address',
      name: 'Enter your full name',
      country: 'Choose a country',
      line1: 'Enter the first line of the address',
      city: 'Enter the town or city',
    })
    const wrong = await cart.call('PUT', '/address', {
      ...TEST_ADDRESS,
      email: 'ada@',
      postcode: '12345',
      country: 'US',
    })
    expect(wrong.json().errors).toEqual({
      email: 'Enter an email address in the correct format, like name@example.com',
      country: 'Choose a country we deliver to',
    })
    const badPostcode = await cart.call('PUT', '/address', { ...TEST_ADDRESS, postcode: '12345' })
    expect(badPostcode.json().errors).toEqual({ postcode: 'Enter a real postcode, like BS1 4DJ' })
    const wrongType = await cart.call('PUT', '/address', { ...TEST_ADDRESS, email: 42 })
    expect(wrongType.json().errors).toEqual({ email: 'Enter your email address' })
    const unknownField = await cart.call('PUT', '/address', { ...TEST_ADDRESS, street: 'x' })
    expect(unknownField.json().errors).toEqual({ street: 'This field is not accepted here' })
    expect((await cart.call('GET', '')).json().address).toBeNull()

    const saved = await cart.call('PUT', '/address', TEST_ADDRESS)
    expect(saved.statusCode).toBe(200)
    expect(saved.json().address).toEqual({ ...TEST_ADDRESS, receive: 'delivery', postcode: 'BS1 4DJ' })
    expect(saved.json().shipping).toBeNull()
  })

  it('lists the shipping options for the address, 409 before one, and keeps the one chosen', async () => {
    const cart = await newAppCart(api)
    await cart.call('POST', '/items', { sku: await mug(), quantity: 1 })
    const early = await cart.call('GET', '/shipping-options')
    expect(early.statusCode).toBe(409)
    expect(early.json().detail).toBe(`Give the address first: PUT /api/v1/carts/${cart.id}/address.`)
    const tooEarly = await cart.call('PUT', '/shipping', { option_id: 'uk-standard' })
    expect(tooEarly.statusCode).toBe(409)

    await cart.call('PUT', '/address', TEST_ADDRESS)
    const options = await cart.call('GET', '/shipping-options')
    expect(options.statusCode).toBe(200)
    expect(options.json()).toEqual({
      data: [
        { id: 'uk-standard', name: 'Royal Mail Tracked 48', kind: 'free_over', price: 395 },
        { id: 'uk-express', name: 'Next working day', kind: 'flat', price: 895 },
        { id: 'pickup', name: 'Collect from our Bristol workshop', kind: 'pickup', price: 0 },
      ],
      next_cursor: null,
    })
    const abroad = await cart.call('PUT', '/shipping', { option_id: 'eu-tracked' })
    expect(abroad.statusCode).toBe(422)
    expect(abroad.json().errors).toEqual({ option_id: 'Choose one of the ways we deliver to your address' })
    const blank = await cart.call('PUT', '/shipping', { option_id: '' })
    expect(blank.json().errors).toEqual({ option_id: 'Choose how you would like it delivered' })

    const chosen = await cart.call('PUT', '/shipping', { option_id: 'uk-express' })
    expect(chosen.statusCode).toBe(200)
    expect(chosen.json()).toMatchObject({
      shipping: { id: 'uk-express', name: 'Next working day', kind: 'flat', price: 895 },
      shipping_total: 895,
      total: 1800 + 895,
      ready: true,
      payment_methods: ['bank_transfer'],
    })
    // Another address in the same zone keeps it; one abroad drops it.
    const moved = await cart.call('PUT', '/address', { ...TEST_ADDRESS, country: 'FR', postcode: '75001' })
    expect(moved.json()).toMatchObject({ shipping: null, shipping_total: 0, ready: false })
  })

  it('collects an order: only the contact fields, the collection as its shipping, paying on collection offered', async () => {
    const cart = await newAppCart(api)
    await cart.call('POST', '/items', { sku: await mug(), quantity: 1 })
    const unknown = await cart.call('PUT', '/address', { receive: 'collect:nowhere', email: 'ada@example.com' })
    expect(unknown.json().errors).toEqual({
      receive: 'Choose how you would like to get your order',
      name: 'Enter your full name',
    })
    const collect = await cart.call('PUT', '/address', {
      receive: 'collect:pickup',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
    })
    expect(collect.statusCode).toBe(200)
    expect(collect.json()).toMatchObject({
      address: { receive: 'collect:pickup', line1: '', country: 'GB' },
      shipping: { id: 'pickup', kind: 'pickup', price: 0 },
      ready: true,
      payment_methods: ['bank_transfer', 'pay_on_pickup'],
    })
    const options = await cart.call('GET', '/shipping-options')
    expect(options.json().data.map((o: { id: string }) => o.id)).toEqual(['pickup'])
  })

  it('enters a discount code only while it applies, with the review page’s messages, and removes it', async () => {
    const cart = await newAppCart(api)
    const none = await cart.call('PUT', '/discount', { code: 'WELCOME10' })
    expect(none.statusCode).toBe(409)
    await cart.call('POST', '/items', { sku: await mug(), quantity: 2 })
    const blank = await cart.call('PUT', '/discount', { code: '  ' })
    expect(blank.statusCode).toBe(422)
    expect(blank.json().errors).toEqual({ code: 'Enter a discount code' })
    const wrongType = await cart.call('PUT', '/discount', { code: 10 })
    expect(wrongType.json().errors).toEqual({ code: 'Enter a discount code' })
    const unknown = await cart.call('PUT', '/discount', { code: 'NOPE' })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().errors.code).toMatch(/./)
    expect((await cart.call('GET', '')).json().discount_code).toBeNull()
    // A code each customer may use once needs to know who is buying.
    const anonymous = await cart.call('PUT', '/discount', { code: 'WELCOME10' })
    expect(anonymous.json().errors).toEqual({
      code: 'Sign in, or enter your email address at checkout, to use this code.',
    })
    await cart.call('PUT', '/address', TEST_ADDRESS)

    const applied = await cart.call('PUT', '/discount', { code: 'welcome10' })
    expect(applied.statusCode, applied.body).toBe(200)
    expect(applied.json()).toMatchObject({
      discount_code: { code: 'WELCOME10', applies: true, problem: null },
      subtotal: 3600,
      discount_total: 360,
      total: 3240,
    })
    const removed = await cart.call('DELETE', '/discount')
    expect(removed.statusCode).toBe(200)
    expect(removed.json()).toMatchObject({ discount_code: null, discount_total: 0, total: 3600 })

    // A code kept while it applied says so once the cart changes under it; the order would refuse it.
    await cart.call('PUT', '/shipping', { option_id: 'uk-express' })
    const freeShipping = await cart.call('PUT', '/discount', { code: 'FREESHIP' })
    expect(freeShipping.json()).toMatchObject({ discount_total: 895, shipping_total: 0, total: 3600 })
    const line = freeShipping.json().lines[0].id
    const smaller = (await cart.call('PATCH', `/items/${line}`, { quantity: 1 })).json()
    expect(smaller.discount_code).toEqual({ code: 'FREESHIP', applies: false, problem: expect.stringMatching(/./) })
    expect(smaller).toMatchObject({ discount_total: 0, shipping_total: 895, total: 1800 + 895 })
  })

  it('prices the cart with the checkout’s own code: every figure is checkoutSummary’s for the same lines and choices', async () => {
    const cart = await newAppCart(api)
    await cart.call('POST', '/items', { sku: await mug(10, 1799), quantity: 3 })
    await cart.call('POST', '/items', { sku: await mug(10, 2450), quantity: 1 })
    await cart.call('PUT', '/address', { ...TEST_ADDRESS, country: 'FR', postcode: '75001' })
    await cart.call('PUT', '/shipping', { option_id: 'eu-tracked' })
    const body = (await cart.call('PUT', '/discount', { code: 'WELCOME10' })).json()
    const state = await shop.db
      .selectFrom('api_carts')
      .select('checkout')
      .where('cart_id', '=', cart.id)
      .executeTakeFirstOrThrow()
    const summary = await checkoutSummary(shop.db, cart.id, JSON.parse(state.checkout))
    const totals = summary?.priced.totals
    expect(body).toMatchObject({
      subtotal: totals?.subtotal,
      discount_total: totals?.discount,
      tax_total: totals?.tax,
      total: totals?.total,
      shipping_total: 1495,
    })
    // France is outside the shop's tax rates (otherTaxRates 0): the price holds no UK tax.
    expect(body.tax_total).toBe(0)
    expect(body.total).toBe(3 * 1799 + 2450 - body.discount_total + 1495)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { createTestVariant } from '../testing/catalogue.js'
import { checkoutShopper, createAddress, TEST_ADDRESS } from '../testing/checkout.js'
import { emptyTables } from '../testing/database.js'
import { createUser, signInAs } from '../testing/factories.js'
import { htmlErrors } from '../testing/html.js'
import { postForm, sessionCookie } from '../testing/http.js'
import { createDiscountCode, setDiscountUses } from '../testing/orders.js'

const address = TEST_ADDRESS

describe('checkout', () => {
  let shop: TestShop
  let cookie: string
  beforeEach(async () => {
    shop = await buildTestApp()
    const variant = await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 5 })
    cookie = sessionCookie(
      await postForm(shop.app, '/cart/items', { variant_id: String(variant.id), quantity: '2' }),
    ) as string
  })
  afterEach(() => shop.close())

  const { get, post, toReview } = checkoutShopper(
    () => shop.app,
    () => cookie,
  )

  it('goes address → delivery → payment → review → order, with every figure at every step', async () => {
    const first = await get('/checkout')
    expect(first.response.statusCode).toBe(200)
    expect(first.response.body).toContain('£36.00')
    expect(first.response.headers['cache-control']).toBe('private, no-store')
    expect(await htmlErrors(first.response.body)).toEqual([])

    expect((await post('/checkout', address)).statusCode).toBe(303)
    const delivery = await get('/checkout/delivery')
    // £36 is under the £50 for free Tracked 48: £3.95; next day £8.95; collection free.
    expect(delivery.response.body).toMatch(/Royal Mail Tracked 48 <strong>£3.95/)
    expect(delivery.response.body).toMatch(/Next working day <strong>£8.95/)
    expect(delivery.response.body).toMatch(/Collect from our Bristol workshop <strong>Free/)
    expect(delivery.response.body).toContain('1 Marsh Lane, Bristol BS1 4DJ, United Kingdom')
    expect(await htmlErrors(delivery.response.body)).toEqual([])

    const { review, orderToken } = await toReview()
    expect(review.response.body).toContain('£39.95')
    expect(review.response.body).toContain('Includes £6.66 tax')
    expect(await htmlErrors(review.response.body)).toEqual([])

    const placed = await post('/checkout/orders', { token: orderToken })
    expect(placed.statusCode).toBe(303)
    expect(placed.headers.location).toMatch(/^\/orders\/[\w-]{32}$/)
    const order = await get(placed.headers.location as string)
    expect(order.response.body).toContain('Order #1001')
    expect(order.response.body).toContain('Use <strong>#1001</strong> as the reference')
    expect(order.response.body).toContain('£39.95')
    expect(order.response.headers['cache-control']).toBe('private, no-store')
    expect(order.response.headers['referrer-policy']).toBe('no-referrer')
    expect(await htmlErrors(order.response.body)).toEqual([])
    expect((await get('/cart')).response.body).toContain('Your cart is empty')
  })

  it('gives the same order for the same checkout sent twice, and refuses a token that is not this checkout’s', async () => {
    const { orderToken } = await toReview()
    const foreign = await post('/checkout/orders', { token: 'someone-elses-token-abcdefghijkl' })
    expect(foreign.headers.location).toBe('/checkout/review')
    expect(await shop.db.selectFrom('orders').select('id').execute()).toEqual([])

    const first = await post('/checkout/orders', { token: orderToken })
    const again = await post('/checkout/orders', { token: orderToken })
    expect(again.statusCode, again.body.slice(0, 3000)).toBe(303)
    expect(again.headers.location).toBe(first.headers.location)
    expect(await shop.db.selectFrom('orders').select('id').execute()).toHaveLength(1)
    const stock = await shop.db.selectFrom('variants').select('stock').executeTakeFirstOrThrow()
    expect(stock.stock).toBe(3)
  })

  it('answers a bad address with messages per field, keeping what was typed', async () => {
    const response = await post('/checkout', { ...address, email: 'not-an-email', postcode: '12345', line1: '' })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Enter an email address in the correct format')
    expect(response.body).toContain('Enter a real postcode, like BS1 4DJ')
    expect(response.body).toContain('Enter the first line of the address')
    expect(response.body).toContain('value="Ada Lovelace"')
    expect(await htmlErrors(response.body)).toEqual([])
    const abroad = await post('/checkout', { ...address, country: 'US', postcode: '94107' })
    expect(abroad.statusCode).toBe(422)
    expect(abroad.body).toContain('Choose a country we deliver to')
  })

  it('sends a shopper who skips a step back to it, and keeps what they entered when they go back', async () => {
    expect((await get('/checkout/review')).response.headers.location).toBe('/checkout')
    expect((await post('/checkout/orders', { token: 'x' })).headers.location).toBe('/checkout/review')
    await post('/checkout', address)
    expect((await get('/checkout/payment')).response.headers.location).toBe('/checkout/delivery')
    const back = await get('/checkout')
    expect(back.response.body).toContain('value="1 Marsh Lane"')
    expect(back.response.body).toContain('value="BS1 4DJ"')
    const refused = await post('/checkout/delivery', { method: 'eu-tracked' })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('Choose one of the ways we deliver to your address')
  })

  it('sends an empty cart back to the cart, and an unknown order link to 404', async () => {
    await emptyTables(shop.db, 'cart_lines')
    expect((await get('/checkout')).response.headers.location).toBe('/cart')
    expect((await shop.app.inject({ url: '/orders/not-a-real-order-token-at-all' })).statusCode).toBe(404)
  })

  it('keeps a signed-in customer’s address from their order and offers it at the next checkout, to them only', async () => {
    const user = await createUser(shop.db, { email: 'ada@example.com', name: 'Ada Lovelace' })
    const other = await createUser(shop.db, { email: 'grace@example.com' })
    await createAddress(shop.db, {
      user_id: other.id,
      name: 'Grace',
      line1: '9 Other Road',
      city: 'Leeds',
      postcode: 'LS1 1AA',
      country: 'GB',
    })
    cookie = await signInAs(shop.app, user)
    const variant = await shop.db.selectFrom('variants').select('id').executeTakeFirstOrThrow()
    const addedResponse = await post('/cart/items', { variant_id: String(variant.id), quantity: '1' })
    expect(addedResponse.statusCode, addedResponse.body.slice(0, 200)).toBe(303)
    const { orderToken } = await toReview()
    expect((await post('/checkout/orders', { token: orderToken })).statusCode).toBe(303)
    const saved = await shop.db.selectFrom('addresses').selectAll().where('user_id', '=', user.id).execute()
    expect(saved).toMatchObject([{ line1: '1 Marsh Lane', postcode: 'BS1 4DJ', city: 'Bristol' }])

    await post('/cart/items', { variant_id: String(variant.id), quantity: '1' })
    await post('/checkout', { ...address, line1: '2 Other Lane' })
    const offered = await get('/checkout')
    expect(offered.response.body).toContain(`href="/checkout?address=${saved[0]?.id}"`)
    expect(offered.response.body).not.toContain('9 Other Road')
    expect(await htmlErrors(offered.response.body)).toEqual([])
    const filled = await get(`/checkout?address=${saved[0]?.id}`)
    expect(filled.response.body).toMatch(/id="f-line1"[^>]*value="1 Marsh Lane"/)
    const foreignId = (
      await shop.db.selectFrom('addresses').select('id').where('user_id', '=', other.id).executeTakeFirstOrThrow()
    ).id
    const foreign = await get(`/checkout?address=${foreignId}`)
    expect(foreign.response.body).not.toContain('9 Other Road')
    expect(foreign.response.body).toMatch(/id="f-line1"[^>]*value="2 Other Lane"/)
  })

  describe('delivery, collection and the ways to pay', () => {
    const contact = { email: address.email, name: address.name, phone: '0117 496 0000' }

    it('asks a shopper who collects for no street address, and shows where to collect instead of an address', async () => {
      const first = await get('/checkout')
      expect(first.response.body).toContain('Delivery or collection')
      expect(first.response.body).toMatch(
        /value="collect:pickup"[^>]*>\s*<label[^>]*>Collect from our Bristol workshop/,
      )
      expect(await htmlErrors(first.response.body)).toEqual([])

      // The delivery is chosen with the details: on to payment.
      const details = await post('/checkout', { ...contact, receive: 'collect:pickup', country: 'GB' })
      expect(details.statusCode).toBe(303)
      expect(details.headers.location).toBe('/checkout/payment')
      const back = await get('/checkout')
      expect(back.response.body).toMatch(/value="collect:pickup" checked/)

      // The delivery step offers the collection only: there is no address to send anything to.
      const delivery = await get('/checkout/delivery')
      expect(delivery.response.body).toContain('Where would you like to collect it?')
      expect(delivery.response.body).toContain('14 Orchard Row, Bristol BS1 4DJ, United Kingdom')
      expect(delivery.response.body).not.toContain('Royal Mail')
      expect(await htmlErrors(delivery.response.body)).toEqual([])
      const carrier = await post('/checkout/delivery', { method: 'uk-standard' })
      expect(carrier.statusCode).toBe(422)
      expect(carrier.body).toContain('Choose where to collect your order, or give your address to have it delivered')

      expect((await post('/checkout/payment', { payment: 'pay_on_pickup' })).headers.location).toBe('/checkout/review')
      const review = await get('/checkout/review')
      const body = review.response.body
      expect(body).not.toContain('Deliver to')
      expect(body).toContain(
        '<dt>Collection</dt><dd>Collect from our Bristol workshop: 14 Orchard Row, Bristol BS1 4DJ, United Kingdom',
      )
      expect(body).toContain('<dt>Name</dt><dd>Ada Lovelace, 0117 496 0000')
      expect(body).toContain(
        'You pay £36.00 when you collect your order from 14 Orchard Row, Bristol BS1 4DJ, United Kingdom.',
      )
      expect(body).toMatch(/<button[^>]*>Place order — pay on collection<\/button>/)
      expect(await htmlErrors(body)).toEqual([])

      const orderToken = /name="token" value="([^"]+)"/.exec(body)?.[1] as string
      const placed = await post('/checkout/orders', { token: orderToken })
      const order = await get(placed.headers.location as string)
      expect(order.response.body).not.toContain('Deliver to')
      expect(order.response.body).toContain(
        '<dt>Collect from</dt><dd>14 Orchard Row, Bristol BS1 4DJ, United Kingdom</dd>',
      )
      expect(order.response.body).toContain('Pay on collection: pending')
      expect(await htmlErrors(order.response.body)).toEqual([])
      const stored = await shop.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
      expect(stored).toMatchObject({ address_line1: '', city: '', postcode: '', country: 'GB', phone: '0117 496 0000' })
      expect(stored).toMatchObject({ shipping_total: 0, total: 3600 })
      const mail = await shop.db.selectFrom('outbox_emails').selectAll().executeTakeFirstOrThrow()
      expect(mail.text).not.toContain('Delivery to')
      expect(mail.text).toContain('Collect from:\n14 Orchard Row, Bristol BS1 4DJ, United Kingdom')
      expect(mail.text).toContain('You pay £36.00 when you collect the order.')
      expect(mail.html).toContain('<strong>Collect from</strong>')
      expect(mail.html).not.toContain('Delivery to')
    })

    it('still wants the contact details of a shopper who collects', async () => {
      const response = await post('/checkout', { email: '', name: 'Ada', receive: 'collect:pickup' })
      expect(response.statusCode).toBe(422)
      expect(response.body).toContain('Enter your email address')
      expect(response.body).not.toContain('Enter the first line of the address')
      expect(response.body).toMatch(/value="collect:pickup" checked/)
      expect(await htmlErrors(response.body)).toEqual([])
    })

    it('offers paying on collection only with a collection, and refuses it with Royal Mail (422)', async () => {
      await post('/checkout', address)
      await post('/checkout/delivery', { method: 'uk-standard' })
      const payment = await get('/checkout/payment')
      expect(payment.response.body).toContain('Bank transfer')
      expect(payment.response.body).not.toContain('Pay on collection')

      const refused = await post('/checkout/payment', { payment: 'pay_on_pickup' })
      expect(refused.statusCode).toBe(422)
      expect(refused.body).toContain(
        'Pay on collection is only for orders you collect, not for Royal Mail Tracked 48. Choose another way to pay, or choose to collect the order.',
      )
      expect(await htmlErrors(refused.body)).toEqual([])
      expect((await get('/checkout/review')).response.headers.location).toBe('/checkout/payment')

      // Collected instead: now it may be paid for at the counter.
      await post('/checkout/delivery', { method: 'pickup' })
      expect((await get('/checkout/payment')).response.body).toContain('Pay on collection')
      expect((await post('/checkout/payment', { payment: 'pay_on_pickup' })).headers.location).toBe('/checkout/review')
      // Sent by Royal Mail after all: the payment step is to be done again.
      await post('/checkout/delivery', { method: 'uk-standard' })
      expect((await get('/checkout/review')).response.headers.location).toBe('/checkout/payment')
    })

    it('has the place-order button say what happens next: a bank transfer is placed, and the bank details follow', async () => {
      const { review } = await toReview('bank_transfer')
      expect(review.response.body).toMatch(/<button[^>]*>Place order<\/button>/)
      expect(review.response.body).toContain(
        'You will get our bank details on the next page and by email, to pay £39.95 with your order number as the reference. We send your order once the money arrives.',
      )
      expect(review.response.body).not.toContain('Place order and pay')
    })
  })

  describe('discount codes', () => {
    const code = (row: Parameters<typeof createDiscountCode>[1]) => createDiscountCode(shop.db, row)

    it('applies a code on the review page and counts its use when the order is placed', async () => {
      await code({ code: 'SAVE10' })
      await toReview()
      const applied = await post('/checkout/discount', { code: 'save10' })
      expect(applied.headers.location).toBe('/checkout/review')
      const { review, orderToken } = await reviewPage()
      // 10 % of £36.00 is £3.60; £32.40 is under £50, so delivery stays £3.95.
      expect(review.response.body).toContain('Code SAVE10 is applied.')
      expect(review.response.body).toMatch(/Discount \(SAVE10\)<\/dt><dd>−£3.60/)
      expect(review.response.body).toContain('£36.35')
      expect(await htmlErrors(review.response.body)).toEqual([])
      await post('/checkout/orders', { token: orderToken })
      const order = await shop.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
      expect(order).toMatchObject({ discount_code: 'SAVE10', discount_total: 360, total: 3635 })
      const stored = await shop.db
        .selectFrom('discount_codes')
        .select('uses')
        .where('code', '=', 'SAVE10')
        .executeTakeFirstOrThrow()
      expect(stored.uses).toBe(1)
      const uses = await shop.db.selectFrom('discount_uses').selectAll().execute()
      expect(uses).toMatchObject([{ order_id: order.id, customer_key: 'email:ada@example.com' }])
    })

    it('answers a code that does not exist or does not apply with a message, storing nothing', async () => {
      await code({ code: 'OLD', ends_at: '2020-01-01T00:00:00.000Z' })
      await code({ code: 'BIG', minimum_subtotal: 10_000 })
      await toReview()
      for (const [typed, message] of [
        ['NOPE', 'There is no discount code NOPE'],
        ['old', 'This code has expired'],
        ['BIG', '£100.00'],
        ['', 'Enter a discount code'],
      ]) {
        const response = await post('/checkout/discount', { code: typed as string })
        expect(response.statusCode, typed).toBe(422)
        expect(response.body, typed).toContain(message)
        expect(await htmlErrors(response.body)).toEqual([])
      }
      expect((await reviewPage()).review.response.body).not.toContain('Discount (')
    })

    it('places nothing when the code was used up after the review page was shown', async () => {
      await code({ code: 'ONCE', usage_limit: 1 })
      await toReview()
      await post('/checkout/discount', { code: 'ONCE' })
      const { orderToken } = await reviewPage()
      await setDiscountUses(shop.db, 'ONCE', 1)
      const refused = await post('/checkout/orders', { token: orderToken })
      expect(refused.headers.location).toBe('/checkout/review')
      expect((await reviewPage()).review.response.body).toContain('no longer applies')
      expect(await shop.db.selectFrom('orders').select('id').execute()).toEqual([])
      const stock = await shop.db.selectFrom('variants').select('stock').executeTakeFirstOrThrow()
      expect(stock.stock).toBe(5)
    })
  })

  async function reviewPage() {
    const review = await get('/checkout/review')
    return { review, orderToken: /name="token" value="([^"]+)"/.exec(review.response.body)?.[1] as string }
  }
})

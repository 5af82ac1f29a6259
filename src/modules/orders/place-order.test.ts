import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { changeProducts, changeVariants, createTestProduct } from '../../testing/catalogue.js'
import { createUser } from '../../testing/factories.js'
import { createDiscountCode, OFFLINE_PAYMENTS, TEST_CHECKOUT } from '../../testing/orders.js'
import { runScript } from '../../testing/processes.js'
import { addToCart } from '../cart/cart.service.js'
import { type CheckoutDetails, placeOrder } from './place-order.js'

const details = TEST_CHECKOUT

describe('placing an order', () => {
  let shop: TestShop
  let mug: number
  let vase: number
  beforeEach(async () => {
    shop = await buildTestApp()
    await createTestProduct(shop.db, { title: 'Heather Mug', variants: [{ sku: 'MUG', price: 1800, stock: 5 }] })
    await createTestProduct(shop.db, { title: 'Bud Vase', variants: [{ sku: 'VASE', price: 1250, stock: 50 }] })
    const variants = await shop.db.selectFrom('variants').select(['id', 'sku']).execute()
    mug = variants.find((v) => v.sku === 'MUG')?.id as number
    vase = variants.find((v) => v.sku === 'VASE')?.id as number
  })
  afterEach(() => shop.close())

  async function cartWith(db: Db, items: [number, number][]): Promise<number> {
    let cartId: number | null = null
    for (const [variant, quantity] of items) {
      const added = await addToCart(db, { userId: null, sessionCartId: cartId }, { variant_id: variant, quantity })
      if (added.kind !== 'added') throw new Error(`could not add: ${JSON.stringify(added)}`)
      cartId = added.cartId
    }
    return cartId as number
  }

  const stock = async (variant: number) =>
    (await shop.db.selectFrom('variants').select('stock').where('id', '=', variant).executeTakeFirstOrThrow()).stock

  const place = (
    cartId: number | null,
    checkoutToken: string,
    db: Db = shop.db,
    extra: Partial<CheckoutDetails> = {},
  ) =>
    placeOrder(db, {
      cartId,
      userId: null,
      checkoutToken,
      details: { ...details, ...extra },
      baseUrl: 'http://localhost',
      payments: OFFLINE_PAYMENTS,
    })

  it('re-prices from the catalogue, takes the stock, keeps every figure and queues the confirmation', async () => {
    const cartId = await cartWith(shop.db, [
      [mug, 2],
      [vase, 1],
    ])
    // The price changes after the cart was filled: the order uses today's.
    await changeVariants(shop.db, { price: 1900 }, { id: mug })
    const result = await place(cartId, 'token-1')
    expect(result.kind).toBe('placed')
    if (result.kind !== 'placed') return
    const order = result.order
    expect(order.number).toBe(1001)
    // 2 × £19 + £12.50 = £50.50: over £50, so Tracked 48 is free. Prices include 20 % tax.
    expect(order).toMatchObject({ subtotal: 5050, shipping_total: 0, discount_total: 0, total: 5050, tax_total: 841 })
    const lines = await shop.db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).execute()
    expect(lines.map((l) => [l.sku, l.unit_price, l.quantity, l.total, l.tax])).toEqual([
      ['MUG', 1900, 2, 3800, 633],
      ['VASE', 1250, 1, 1250, 208],
    ])
    expect(lines.reduce((sum, l) => sum + l.total, 0) + order.shipping_total).toBe(order.total)
    expect(await stock(mug)).toBe(3)
    expect(await stock(vase)).toBe(49)
    expect(await shop.db.selectFrom('cart_lines').select('id').where('cart_id', '=', cartId).execute()).toEqual([])
    const email = await shop.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('to_address', '=', 'ada@example.com')
      .executeTakeFirstOrThrow()
    expect(email.subject).toBe('Your order #1001 at Juniper & Pine')
    expect(email.text).toContain('with #1001 as the reference')
    expect(email.text).toContain('Sort code 04-00-04')
    expect(email.text).toContain(`http://localhost/orders/${order.access_token}`)
    expect(email.html).toContain('£50.50')
    expect(order.access_token).toMatch(/^[\w-]{32}$/)

    const next = await place(await cartWith(shop.db, [[vase, 1]]), 'token-2')
    expect(next.kind === 'placed' && next.order.number).toBe(1002)
  })

  it('answers the same checkout token with the order it already made, taking stock once', async () => {
    const cartId = await cartWith(shop.db, [[mug, 1]])
    const first = await place(cartId, 'same-token')
    const again = await place(cartId, 'same-token')
    expect(first.kind).toBe('placed')
    expect(again.kind).toBe('already_placed')
    expect(again.kind !== 'sold_out' && again.kind !== 'refused' && again.order.id).toBe(
      first.kind === 'placed' && first.order.id,
    )
    expect(await stock(mug)).toBe(4)
    expect(await shop.db.selectFrom('orders').select('id').execute()).toHaveLength(1)
  })

  it('changes nothing when a line is short, and says what is left', async () => {
    const cartId = await cartWith(shop.db, [
      [vase, 2],
      [mug, 4],
    ])
    await changeVariants(shop.db, { stock: 3 }, { id: mug })
    const result = await place(cartId, 'short')
    expect(result).toEqual({ kind: 'sold_out', items: [{ title: 'Heather Mug', available: 3 }] })
    expect(await stock(vase)).toBe(50)
    expect(await stock(mug)).toBe(3)
    expect(await shop.db.selectFrom('orders').select('id').execute()).toEqual([])
    expect(await shop.db.selectFrom('cart_lines').select('id').where('cart_id', '=', cartId).execute()).toHaveLength(2)
    expect(
      await shop.db.selectFrom('outbox_emails').select('id').where('to_address', '=', 'ada@example.com').execute(),
    ).toEqual([])
  })

  it('refuses an empty cart, a product no longer sold, and a delivery or payment the shop does not offer', async () => {
    expect(await place(null, 't1')).toMatchObject({ kind: 'refused', message: 'Your cart is empty.' })
    const cartId = await cartWith(shop.db, [[mug, 1]])
    expect(await place(cartId, 't2', shop.db, { shippingMethodId: 'eu-tracked' })).toMatchObject({ kind: 'refused' })
    expect(await place(cartId, 't3', shop.db, { address: { ...details.address, country: 'US' } })).toMatchObject({
      kind: 'refused',
    })
    expect(await place(cartId, 't4', shop.db, { paymentMethod: 'stripe' as never })).toMatchObject({ kind: 'refused' })
    await changeProducts(shop.db, { status: 'archived' })
    expect(await place(cartId, 't5')).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('no longer sold'),
    })
    expect(await stock(mug)).toBe(5)
    expect(await shop.db.selectFrom('orders').select('id').execute()).toEqual([])
  })

  it('refuses paying on collection with a carrier, and keeps no delivery address for a collection', async () => {
    const cartId = await cartWith(shop.db, [[mug, 1]])
    expect(await place(cartId, 't1', shop.db, { paymentMethod: 'pay_on_pickup' })).toEqual({
      kind: 'refused',
      message:
        'Pay on collection is only for orders you collect, not for Royal Mail Tracked 48. Choose another way to pay, or choose to collect the order.',
    })
    expect(await shop.db.selectFrom('orders').select('id').execute()).toEqual([])
    expect(await stock(mug)).toBe(5)

    // The address typed before choosing to collect goes nowhere: it is neither kept on the order nor saved.
    const placed = await place(cartId, 't2', shop.db, { paymentMethod: 'pay_on_pickup', shippingMethodId: 'pickup' })
    expect(placed.kind).toBe('placed')
    const order = await shop.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()
    expect(order).toMatchObject({
      shipping_method: 'Collect from our Bristol workshop',
      address_line1: '',
      city: '',
      postcode: '',
      country: 'GB',
      shipping_total: 0,
      total: 1800,
    })
  })

  describe('a code that each customer may use once', () => {
    beforeEach(async () => {
      await createDiscountCode(shop.db, { code: 'WELCOME', per_customer_limit: 1 })
    })

    const withCode = async (checkoutToken: string, userId: number | null, email: string) =>
      placeOrder(shop.db, {
        cartId: await cartWith(shop.db, [[vase, 1]]),
        userId,
        checkoutToken,
        details: { ...details, email },
        discountCode: 'WELCOME',
        baseUrl: 'http://localhost',
        payments: OFFLINE_PAYMENTS,
      })
    const usedOnce = {
      kind: 'refused',
      message:
        'This code can be used once per customer, and you have already used it. Remove the code or try another one.',
    }

    it('refuses it to a guest who gives the email address of an account that has used it', async () => {
      const ada = await createUser(shop.db, { email: 'ada@example.com' })
      expect((await withCode('signed-in', ada.id, 'ada@example.com')).kind).toBe('placed')
      expect(await withCode('guest', null, ' Ada@Example.COM')).toEqual(usedOnce)
      // Placed signed in with another address: the account's own address is still hers.
      const grace = await createUser(shop.db, { email: 'grace@example.com' })
      expect((await withCode('grace-work', grace.id, 'grace@work.example')).kind).toBe('placed')
      expect(await withCode('grace-guest', null, 'grace@example.com')).toEqual(usedOnce)
      expect(await withCode('grace-guest-work', null, 'grace@work.example')).toEqual(usedOnce)
      expect((await withCode('someone-else', null, 'mary@example.com')).kind).toBe('placed')
      const uses = await shop.db
        .selectFrom('discount_codes')
        .select('uses')
        .where('code', '=', 'WELCOME')
        .executeTakeFirstOrThrow()
      expect(uses.uses).toBe(3)
    })

    it('refuses it to an account whose email address a guest has used it with', async () => {
      expect((await withCode('guest', null, 'ada@example.com')).kind).toBe('placed')
      const ada = await createUser(shop.db, { email: 'ada@example.com' })
      expect(await withCode('signed-in', ada.id, 'Ada@Example.com')).toEqual(usedOnce)
      // Checking out with another address does not make her someone else.
      expect(await withCode('signed-in-work', ada.id, 'ada@work.example')).toEqual(usedOnce)
      const grace = await createUser(shop.db, { email: 'grace@example.com' })
      expect((await withCode('grace', grace.id, 'grace@example.com')).kind).toBe('placed')
    })

    it('lets only one of two checkouts at once by the same person have it', async () => {
      const ada = await createUser(shop.db, { email: 'ada@example.com' })
      const results = await Promise.all([
        withCode('a', ada.id, 'ada@example.com'),
        withCode('b', null, 'ada@example.com'),
      ])
      expect(results.map((r) => r.kind).sort()).toEqual(['placed', 'refused'])
    })
  })

  it('sells exactly the stock when 200 shoppers check out at once in two processes', async () => {
    await changeVariants(shop.db, { stock: 50 }, { id: mug })
    const carts = await Promise.all(Array.from({ length: 200 }, () => cartWith(shop.db, [[mug, 1]])))
    // Two other processes on the same file, like two server processes, each with half the shoppers, all at once.
    const halves = [carts.filter((_, i) => i % 2 === 0), carts.filter((_, i) => i % 2 === 1)]
    const outputs = await Promise.all(
      halves.map((half, n) =>
        runScript('src/testing/place-orders-worker.ts', [shop.config.database, half.join(','), `p${n}`]),
      ),
    )
    const kinds = outputs.flatMap((output) => JSON.parse(output) as string[])
    expect(kinds.filter((k) => k === 'placed')).toHaveLength(50)
    expect(kinds.filter((k) => k === 'sold_out')).toHaveLength(150)
    expect(kinds.filter((k) => k !== 'placed' && k !== 'sold_out')).toEqual([])
    expect(await stock(mug)).toBe(0)
    const orders = await shop.db.selectFrom('orders').select('number').execute()
    expect(new Set(orders.map((o) => o.number)).size).toBe(50)
    const sold = await shop.db
      .selectFrom('order_lines')
      .select((eb) => eb.fn.sum<number>('quantity').as('units'))
      .executeTakeFirstOrThrow()
    expect(Number(sold.units)).toBe(50)
  }, 60_000)
})

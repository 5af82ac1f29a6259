import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestProduct, createTestVariant } from '../../testing/catalogue.js'
import { checkoutShopper, TEST_ADDRESS } from '../../testing/checkout.js'
import { createUser, signInAs } from '../../testing/factories.js'
import { type FakeStripe, startFakeStripe } from '../../testing/fake-stripe.js'
import { htmlErrors } from '../../testing/html.js'
import { csrfTokenIn, postForm, sessionCookie } from '../../testing/http.js'
import { changeOrders, changeRefunds, createRefund, placeTestOrder } from '../../testing/orders.js'
import { cancelOrder } from '../orders/order-changes.js'
import { runOrderJobs } from '../orders/order-jobs.js'
import { paymentReference } from './payment-provider.js'
import { createPayments, type Payments } from './payments.js'

describe('Stripe Checkout', () => {
  let stripe: FakeStripe
  let shop: TestShop
  let payments: Payments
  let variant: number

  beforeAll(async () => {
    stripe = await startFakeStripe({ autoDeliver: false })
  })
  afterAll(() => stripe.close())

  beforeEach(async () => {
    stripe.down = false
    stripe.refusing = false
    stripe.onCreate = null
    const config = { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiUrl: new URL(stripe.url) }
    shop = await buildTestApp({ stripe: config })
    payments = createPayments(config)
    variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 5 })).id
  })
  afterEach(() => shop.close())

  const stock = async () =>
    (await shop.db.selectFrom('variants').select('stock').where('id', '=', variant).executeTakeFirstOrThrow()).stock
  const order = (id: number) => shop.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const emails = () => shop.db.selectFrom('outbox_emails').select(['template', 'subject', 'text']).execute()
  const cardOrder = (token: string, quantity = 1) =>
    placeTestOrder(shop.db, variant, { token, quantity, payments, details: { paymentMethod: 'stripe' } })

  /** Opens the order's payment on the stand-in through the shop, as the shopper's browser does. */
  async function openPayment(accessToken: string) {
    const response = await shop.app.inject({ url: `/orders/${accessToken}/payment` })
    expect(response.statusCode).toBe(303)
    const id = /\/c\/pay\/(cs_test_\w+)$/.exec(response.headers.location as string)?.[1] as string
    expect(stripe.sessions.get(id)).toBeDefined()
    return id
  }

  function webhook(payload: string, signature?: string, contentType = 'application/json') {
    return shop.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      payload,
      headers: { 'content-type': contentType, ...(signature ? { 'stripe-signature': signature } : {}) },
    })
  }

  const send = (event: object) => {
    const { payload, signature } = stripe.signed(event)
    return webhook(payload, signature)
  }

  it('checks out by card: the order is placed, the shopper goes to Stripe, and only the webhook makes it paid', async () => {
    let cookie = sessionCookie(await postForm(shop.app, '/cart/items', { variant_id: String(variant), quantity: '2' }))
    const shopper = checkoutShopper(
      () => shop.app,
      () => cookie as string,
    )
    const { orderToken } = await shopper.toReview('stripe')
    const choices = await shopper.get('/checkout/payment')
    expect(choices.response.body).toContain('value="stripe"')
    expect(choices.response.body).toContain('Pay by card on Stripe’s secure page')
    const placed = await shopper.post('/checkout/orders', { token: orderToken })
    expect(placed.headers.location).toMatch(/^\/orders\/[\w-]{32}\/payment$/)
    cookie = sessionCookie(placed) ?? cookie

    const [row] = await shop.db.selectFrom('orders').selectAll().execute()
    if (!row) throw new Error('no order')
    expect(row).toMatchObject({ payment_method: 'stripe', payment_status: 'pending', total: 3995 })
    expect(await stock()).toBe(3)
    // Confirmed once paid, not when placed.
    expect(await emails()).toEqual([])

    const toStripe = await shop.app.inject({ url: placed.headers.location as string, headers: { cookie } })
    expect(toStripe.statusCode).toBe(303)
    expect(toStripe.headers['referrer-policy']).toBe('no-referrer')
    const sessionId = /\/c\/pay\/(cs_test_\w+)$/.exec(toStripe.headers.location as string)?.[1] as string
    const session = stripe.sessions.get(sessionId)
    expect(session).toMatchObject({
      amount_total: 3995,
      currency: 'gbp',
      customer_email: 'ada@example.com',
      client_reference_id: '1001',
      metadata: { order_id: String(row.id), order_number: '1001' },
      success_url: `http://localhost:80/orders/${row.access_token}?payment=done`,
      cancel_url: `http://localhost:80/orders/${row.access_token}`,
    })
    expect(stripe.calls.at(-1)?.idempotencyKey).toMatch(/^shopfront-order-[0-9a-f]{32}$/)
    // Chrome checks the redirect after the order form against form-action.
    expect(toStripe.headers['content-security-policy'] ?? placed.headers['content-security-policy']).toContain(
      `form-action 'self' ${stripe.url}`,
    )

    // Asking again gives the same payment, without another call to Stripe.
    const calls = stripe.calls.length
    expect((await shop.app.inject({ url: `/orders/${row.access_token}/payment` })).headers.location).toBe(session?.url)
    expect(stripe.calls.length).toBe(calls)

    // Back from Stripe before its webhook: still unpaid, and the page says the payment is being confirmed.
    const paidEvent = stripe.pay(sessionId)
    const returned = await shop.app.inject({ url: `/orders/${row.access_token}?payment=done` })
    expect(returned.body).toContain('Stripe is confirming your payment')
    expect(await htmlErrors(returned.body)).toEqual([])
    expect((await order(row.id)).payment_status).toBe('pending')

    const delivered = await send(paidEvent)
    expect(delivered.statusCode).toBe(200)
    expect(delivered.json()).toEqual({ received: true, duplicate: false, outcome: 'paid', attention: false })
    expect(await order(row.id)).toMatchObject({ payment_status: 'paid', invoice_number: 1 })
    const mail = await emails()
    expect(mail.map((m) => [m.template, m.subject])).toEqual([
      ['order-confirmation', 'Your order #1001 at Juniper & Pine'],
    ])
    expect(mail[0]?.text).toContain('You have paid £39.95')
    const page = await shop.app.inject({ url: `/orders/${row.access_token}?payment=done` })
    expect(page.body).not.toContain('Stripe is confirming')
    expect(page.body).toContain('Card: paid')
  })

  it('refunds a card order through Stripe, and records nothing but a failed attempt when Stripe refuses', async () => {
    const placed = await cardOrder('refund')
    const event = stripe.pay(await openPayment(placed.access_token))
    await send(event)
    const intent = stripe.sessions.get(event.data.object.id)?.payment_intent
    expect((await order(placed.id)).payment_provider_ref).toBe(intent)

    const staff = await signInAs(shop.app, await createUser(shop.db, { role: 'staff' }))
    const refund = async (amount: string) => {
      const token = csrfTokenIn((await shop.app.inject({ url: '/contact', headers: { cookie: staff } })).body) ?? ''
      return postForm(
        shop.app,
        `/admin/orders/${placed.number}/refunds`,
        { amount, reason: 'Chipped', _csrf: token },
        { cookie: staff },
      )
    }
    expect((await refund('5.00')).statusCode).toBe(303)
    expect([...stripe.refunds.values()]).toEqual([{ payment_intent: intent, amount: 500 }])
    expect(stripe.calls.at(-1)?.idempotencyKey).toMatch(/^shopfront-refund-[0-9a-f]{32}-1$/)
    expect((await order(placed.id)).payment_status).toBe('partially_refunded')

    stripe.refusing = true
    await refund('1.00')
    stripe.refusing = false
    expect(stripe.refunds.size).toBe(1)
    const rows = await shop.db.selectFrom('refunds').select(['amount', 'status']).orderBy('id').execute()
    expect(rows).toEqual([
      { amount: 500, status: 'succeeded' },
      { amount: 100, status: 'failed' },
    ])
    const page = await shop.app.inject({ url: `/admin/orders/${placed.number}`, headers: { cookie: staff } })
    expect(page.body).toContain('Stripe refused the refund, so nothing was refunded')
    expect((await order(placed.id)).payment_status).toBe('partially_refunded')

    // The rest, exactly: refunded in full.
    expect((await refund(((placed.total - 500) / 100).toFixed(2))).statusCode).toBe(303)
    expect((await order(placed.id)).payment_status).toBe('refunded')
  })

  it('finishes a card refund left pending by a process that stopped, once, with the same idempotency key', async () => {
    const placed = await cardOrder('pending')
    const event = stripe.pay(await openPayment(placed.access_token))
    await send(event)
    const staff = await createUser(shop.db, { role: 'staff' })
    const refundRow = (amount: number, minutesAgo: number) =>
      createRefund(shop.db, {
        order_id: placed.id,
        amount,
        reason: 'Chipped',
        status: 'pending',
        created_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
        actor_user_id: staff.id,
      })
    const earlier = new Set(stripe.refunds.keys())
    const madeHere = () => [...stripe.refunds].filter(([id]) => !earlier.has(id)).map(([, r]) => r.amount)
    // Stripe made this one before the process stopped; the shop never wrote the answer down.
    const made = await refundRow(300, 11)
    const key = `shopfront-refund-${paymentReference(placed)}-${made.id}`
    await payments.hosted('stripe')?.refund((await order(placed.id)).payment_provider_ref as string, 300, key)
    // This one was never sent; the third is too recent: its request may still be waiting for Stripe.
    const unsent = await refundRow(200, 12)
    const recent = await refundRow(100, 1)
    expect(madeHere()).toEqual([300])

    const run = () =>
      runOrderJobs(shop.db, { now: new Date(), baseUrl: 'http://localhost', payments, log: { warn: () => {} } })
    expect((await run()).refunds).toBe(2)
    expect((await run()).refunds).toBe(0)
    expect(madeHere().sort()).toEqual([200, 300])
    const rows = await shop.db.selectFrom('refunds').select(['id', 'status']).orderBy('id').execute()
    expect(rows).toEqual([
      { id: made.id, status: 'succeeded' },
      { id: unsent.id, status: 'succeeded' },
      { id: recent.id, status: 'pending' },
    ])
    expect((await order(placed.id)).payment_status).toBe('partially_refunded')
    const timeline = await shop.db
      .selectFrom('order_events')
      .select('message')
      .where('order_id', '=', placed.id)
      .where('kind', '=', 'refunded')
      .execute()
    expect(timeline.map((e) => e.message)).toEqual([
      'Refunded £3.00 by Stripe: Chipped',
      'Refunded £2.00 by Stripe: Chipped',
    ])

    // One Stripe refuses is marked failed; one it cannot be reached for waits for the next run.
    await changeRefunds(shop.db, { created_at: new Date(Date.now() - 20 * 60_000).toISOString() })
    stripe.down = true
    expect((await run()).refunds).toBe(0)
    expect(
      (await shop.db.selectFrom('refunds').select('status').where('id', '=', recent.id).executeTakeFirst())?.status,
    ).toBe('pending')
    stripe.down = false
    stripe.refusing = true
    expect((await run()).refunds).toBe(1)
    stripe.refusing = false
    expect(
      (await shop.db.selectFrom('refunds').select('status').where('id', '=', recent.id).executeTakeFirst())?.status,
    ).toBe('failed')
  }, 20_000)

  it('handles an event Stripe sends again only once', async () => {
    const placed = await cardOrder('twice')
    const event = stripe.pay(await openPayment(placed.access_token))
    expect((await send(event)).json()).toMatchObject({ duplicate: false, outcome: 'paid' })
    const again = await send(event)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ received: true, duplicate: true, outcome: 'paid', attention: false })
    expect(await order(placed.id)).toMatchObject({ payment_status: 'paid', invoice_number: 1 })
    expect(await emails()).toHaveLength(1)
    expect(await shop.db.selectFrom('payment_events').select(['event_id', 'order_id', 'outcome']).execute()).toEqual([
      { event_id: event.id, order_id: placed.id, outcome: 'paid' },
    ])
  })

  it('refuses a webhook whose signature does not verify, changing nothing', async () => {
    const placed = await cardOrder('forged')
    const event = stripe.pay(await openPayment(placed.access_token))
    const { payload, signature } = stripe.signed(event)
    const forged = stripe.signed(event, { secret: 'whsec_not_the_shops_secret' })
    const tampered = payload.replace(/"amount_total":\d+/, '"amount_total":1')
    expect(tampered).not.toBe(payload)
    // Rightly signed, ten minutes ago: a replayed event.
    const stale = stripe.signed(event, { timestamp: Math.floor(Date.now() / 1000) - 600 })

    for (const [body, header] of [
      [payload, forged.signature],
      [tampered, signature],
      [stale.payload, stale.signature],
      [payload, 't=1,v1=abc'],
      [payload, undefined],
    ] as const) {
      const response = await webhook(body, header)
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().detail).toMatch(/Stripe-Signature/)
    }
    expect((await webhook('a=1', signature, 'application/x-www-form-urlencoded')).statusCode).toBe(415)
    expect(await order(placed.id)).toMatchObject({ payment_status: 'pending', invoice_number: null })
    expect(await shop.db.selectFrom('payment_events').select('id').execute()).toEqual([])
  })

  it('does not mark an order paid when Stripe took a different amount', async () => {
    const placed = await cardOrder('amount')
    const event = stripe.pay(await openPayment(placed.access_token))
    const response = await send({ ...event, data: { object: { ...event.data.object, amount_total: 1 } } })
    expect(response.json()).toMatchObject({ attention: true })
    expect(response.json().outcome).toMatch(/^needs attention: Stripe took 1 GBP, the order is 2195 GBP/)
    expect((await order(placed.id)).payment_status).toBe('pending')
    // The shop is told, so staff can refund it.
    const [alert] = await shop.db
      .selectFrom('outbox_emails')
      .selectAll()
      .where('template', '=', 'payment-attention')
      .execute()
    expect(alert).toMatchObject({ to_address: 'hello@juniper-and-pine.example' })
    expect(alert?.subject).toBe(`A card payment for order #${placed.number} needs attention`)
  })

  it('ignores an event for another shop’s order with the same id (one Stripe account, two shops)', async () => {
    const placed = await cardOrder('ours')
    const event = stripe.pay(await openPayment(placed.access_token))
    const theirs = {
      ...event.data.object,
      metadata: { ...event.data.object.metadata, order_reference: 'f'.repeat(32) },
    }
    const response = await send({ ...event, id: 'evt_other_shop', data: { object: theirs } })
    expect(response.json()).toMatchObject({ outcome: 'ignored: not a Stripe order of this shop' })
    expect((await order(placed.id)).payment_status).toBe('pending')
  })

  it('keeps a paid order paid when its session’s expiry event arrives', async () => {
    const placed = await cardOrder('paid-then-expired')
    const event = stripe.pay(await openPayment(placed.access_token))
    await send(event)
    const response = await send({ ...event, id: 'evt_late_expiry', type: 'checkout.session.expired' })
    expect(response.json().outcome).toBe('ignored: already settled')
    expect(await order(placed.id)).toMatchObject({ payment_status: 'paid', cancelled_at: null })
  })

  it('tells the shop when a payment arrives for an order that was cancelled, and keeps it cancelled', async () => {
    const placed = await cardOrder('cancelled-then-paid')
    const event = stripe.pay(await openPayment(placed.access_token))
    await cancelOrder(shop.db, placed.id, { reason: 'Out of stock', baseUrl: 'http://localhost' })
    const response = await send(event)
    expect(response.json()).toMatchObject({ attention: true })
    expect(response.json().outcome).toMatch(/^needs attention: paid on Stripe, but Order #\d+ is cancelled/)
    expect(await order(placed.id)).toMatchObject({ payment_status: 'pending', invoice_number: null })
    expect((await emails()).map((m) => m.template).sort()).toEqual(['order-cancelled', 'payment-attention'])
  })

  it('closes a payment Stripe opened while the order was cancelled, and sends the shopper back to the order', async () => {
    const placed = await cardOrder('cancelled-while-opening')
    stripe.onCreate = async () => {
      await cancelOrder(shop.db, placed.id, { reason: 'Cancelled by staff', baseUrl: 'http://localhost' })
    }
    const response = await shop.app.inject({ url: `/orders/${placed.access_token}/payment` })
    expect(response.headers.location).toBe(`/orders/${placed.access_token}`)
    const [session] = [...stripe.sessions.values()]
      .filter((s) => s.metadata.order_id === String(placed.id) && s.customer_email === 'ada@example.com')
      .slice(-1)
    expect(session?.status).toBe('expired')
    expect((await order(placed.id)).payment_session_id).toBeNull()
  })

  it('offers no card payment for a total under Stripe’s smallest charge', async () => {
    await createTestProduct(shop.db, { title: 'Seed Packet', variants: [{ sku: 'SEED', price: 40, stock: 5 }] })
    const seeds = (
      await shop.db.selectFrom('variants').select('id').where('sku', '=', 'SEED').executeTakeFirstOrThrow()
    ).id
    const cookie = sessionCookie(await postForm(shop.app, '/cart/items', { variant_id: String(seeds), quantity: '1' }))
    const shopper = checkoutShopper(
      () => shop.app,
      () => cookie as string,
    )
    await shopper.post('/checkout', TEST_ADDRESS)
    await shopper.post('/checkout/delivery', { method: 'pickup' })
    const page = await shopper.get('/checkout/payment')
    expect(page.response.body).toContain('value="bank_transfer"')
    expect(page.response.body).not.toContain('value="stripe"')
    expect((await shopper.post('/checkout/payment', { payment: 'stripe' })).statusCode).toBe(422)
  })

  it('cancels an order whose Stripe payment expired or failed, returning the stock', async () => {
    const placed = await cardOrder('expired', 2)
    const id = await openPayment(placed.access_token)
    expect(await stock()).toBe(3)
    const session = stripe.sessions.get(id)
    const response = await send({
      id: 'evt_expired_1',
      object: 'event',
      type: 'checkout.session.expired',
      data: { object: { ...session, status: 'expired' } },
    })
    expect(response.json().outcome).toBe('cancelled')
    expect((await order(placed.id)).cancelled_at).not.toBeNull()
    expect(await stock()).toBe(5)
    expect((await emails()).map((m) => m.template)).toEqual(['order-cancelled'])
    // Nothing left to pay: the payment address goes back to the order.
    const pay = await shop.app.inject({ url: `/orders/${placed.access_token}/payment` })
    expect(pay.headers.location).toBe(`/orders/${placed.access_token}`)
  })

  it('cancels an order left unpaid for 30 minutes after closing its Stripe payment, and leaves one already paid', async () => {
    const abandoned = await cardOrder('abandoned')
    const abandonedSession = await openPayment(abandoned.access_token)
    const paidOnStripe = await cardOrder('paid-on-stripe')
    stripe.pay(await openPayment(paidOnStripe.access_token))
    const neverOpened = await cardOrder('never-opened')
    const recent = await cardOrder('recent')
    const longAgo = new Date(Date.now() - 31 * 60_000).toISOString()
    await changeOrders(shop.db, { placed_at: longAgo }, [abandoned.id, paidOnStripe.id, neverOpened.id])
    expect(await stock()).toBe(1)

    const run = () =>
      runOrderJobs(shop.db, { now: new Date(), baseUrl: 'http://localhost', payments, log: { warn: () => {} } })
    expect(await run()).toEqual({ reminded: 0, cancelled: 2, refunds: 0 })
    expect(stripe.sessions.get(abandonedSession)?.status).toBe('expired')
    expect((await order(abandoned.id)).cancelled_at).not.toBeNull()
    expect((await order(neverOpened.id)).cancelled_at).not.toBeNull()
    expect((await order(paidOnStripe.id)).cancelled_at).toBeNull()
    expect((await order(recent.id)).cancelled_at).toBeNull()
    expect(await stock()).toBe(3)
    const cancelled = (await emails()).filter((m) => m.template === 'order-cancelled')
    expect(cancelled).toHaveLength(2)
    expect(cancelled[0]?.text).toContain('not completed within 30 minutes, so nothing was charged')
    // The paid one is left to its webhook, and not asked about again.
    expect((await order(paidOnStripe.id)).payment_checked_at).not.toBeNull()
    const calls = stripe.calls.length
    expect(await run()).toEqual({ reminded: 0, cancelled: 0, refunds: 0 })
    expect(stripe.calls.length).toBe(calls)

    // An order whose time ran out gets no new payment.
    await changeOrders(shop.db, { placed_at: longAgo }, recent.id)
    const late = await shop.app.inject({ url: `/orders/${recent.access_token}/payment` })
    expect(late.statusCode).toBe(410)
    expect(late.body).toContain('The time to pay has run out')
  })

  it('keeps the order and tells the shopper to try again when Stripe cannot be reached', async () => {
    const placed = await cardOrder('down')
    stripe.down = true
    const response = await shop.app.inject({ url: `/orders/${placed.access_token}/payment` })
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('60')
    expect(response.body).toContain('We could not reach Stripe just now')
    expect(response.body).toContain(`href="/orders/${placed.access_token}/payment"`)
    expect(response.body).not.toMatch(/ECONNRESET|socket|stack/i)
    expect(await htmlErrors(response.body)).toEqual([])
    expect(await order(placed.id)).toMatchObject({
      payment_status: 'pending',
      payment_session_id: null,
      cancelled_at: null,
    })
    // The jobs leave an order they cannot close at Stripe for the next run.
    stripe.down = false
    await openPayment(placed.access_token)
    stripe.down = true
    await changeOrders(shop.db, { placed_at: new Date(Date.now() - 31 * 60_000).toISOString() }, placed.id)
    const warned: string[] = []
    const result = await runOrderJobs(shop.db, {
      now: new Date(),
      baseUrl: 'http://localhost',
      payments,
      log: { warn: (_obj, msg) => warned.push(msg) },
    })
    expect(result.cancelled).toBe(0)
    expect(warned).toEqual(['an order job failed for one order; the next run tries it again'])
    expect((await order(placed.id)).cancelled_at).toBeNull()
  }, 20_000)
})

describe('without Stripe keys', () => {
  let shop: TestShop
  beforeEach(async () => {
    shop = await buildTestApp()
  })
  afterEach(() => shop.close())

  it('offers no card payment and has no webhook address', async () => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 5 })).id
    const cookie = sessionCookie(
      await postForm(shop.app, '/cart/items', { variant_id: String(variant), quantity: '1' }),
    )
    const shopper = checkoutShopper(
      () => shop.app,
      () => cookie as string,
    )
    await shopper.post('/checkout', TEST_ADDRESS)
    await shopper.post('/checkout/delivery', { method: 'uk-standard' })
    const page = await shopper.get('/checkout/payment')
    expect(page.response.body).not.toContain('value="stripe"')
    expect(page.response.body).toContain('value="bank_transfer"')
    const chosen = await shopper.post('/checkout/payment', { payment: 'stripe' })
    expect(chosen.statusCode).toBe(422)
    expect(chosen.body).toContain('Choose one of the ways to pay')
    expect(page.response.headers['content-security-policy']).toContain("form-action 'self';")

    const hook = await shop.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      payload: '{}',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
    })
    // Not a route: the HTML area refuses a POST from nowhere before it finds nothing there.
    expect([403, 404]).toContain(hook.statusCode)
    expect(hook.headers['content-type']).toContain('text/html')
  })
})

import { afterAll, beforeAll, describe, expect, it as plainIt } from 'vitest'
import type { Db } from '../../../../db/connection.js'
import { type CursorPosition, encodeCursor } from '../../../../lib/cursor.js'
import { atTime, nowIso } from '../../../../lib/time.js'
import { createApiKey, revokeApiKey } from '../../../../modules/api-access/api-access.service.js'
import type { ApiScope } from '../../../../modules/api-access/scopes.js'
import { fulfilOrder } from '../../../../modules/orders/fulfilment.js'
import type { Order } from '../../../../modules/orders/place-order.js'
import { createPayments } from '../../../../modules/payments/payments.js'
import { apiClient } from '../../../../testing/api.js'
import { buildTestApp, type TestShop } from '../../../../testing/app.js'
import { createTestVariant } from '../../../../testing/catalogue.js'
import { createUser } from '../../../../testing/factories.js'
import { type FakeStripe, startFakeStripe } from '../../../../testing/fake-stripe.js'
import { shopTest } from '../../../../testing/fixtures.js'
import { changeOrders, placeTestOrder } from '../../../../testing/orders.js'

/** A Heather Mug with 50 in stock. */
const it = shopTest.extend('variantOptions', { stock: 50 })

/** An outside service: an API key made by an owner, and requests with it that are checked against the document. */
async function outsideService(
  shop: TestShop,
  scopes: ApiScope[] = ['orders:read', 'orders:write'],
  name = 'Warehouse',
) {
  const owner = await createUser(shop.db, { role: 'owner', name: 'Olive Owner' })
  const { secret, key } = await createApiKey(shop.db, { name, scopes }, owner.id)
  const api = await apiClient(shop.app)
  const headers = { authorization: `Bearer ${secret}` }
  return {
    owner,
    key,
    headers,
    get: (url: string) => api.get(url, { headers }),
    post: (url: string, payload: object | string) =>
      api.request({ method: 'POST', url, payload, headers: { ...headers, 'content-type': 'application/json' } }),
  }
}

const numbers = (body: { data: { number: number }[] }) => body.data.map((order) => order.number)
const orderRow = (db: Db, number: number) =>
  db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow()
const lineOf = async (db: Db, order: Order) =>
  (await db.selectFrom('order_lines').select('id').where('order_id', '=', order.id).executeTakeFirstOrThrow()).id

describe('the admin orders API', () => {
  it('takes an outside service through its journey: new orders since a time, one fulfilled; a key without orders:write gets 403, a revoked key 401', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop)
    const before = await atTime(new Date(Date.now() - 3_600_000), () =>
      placeTestOrder(shop.db, variant, { token: 'before' }),
    )
    const since = nowIso()
    const first = await placeTestOrder(shop.db, variant, { token: 'first', quantity: 3 })
    const second = await placeTestOrder(shop.db, variant, { token: 'second' })

    const listed = await service.get(`/api/v1/admin/orders?created_since=${encodeURIComponent(since)}`)
    expect(listed.statusCode).toBe(200)
    expect(numbers(listed.json())).toEqual([second.number, first.number])
    expect(listed.json().next_cursor).toBeNull()
    expect(listed.headers['cache-control']).toBe('no-store')
    expect(listed.json().data[1]).toMatchObject({
      number: first.number,
      status: 'open',
      payment_status: 'pending',
      fulfilment_status: 'unfulfilled',
      email: 'ada@example.com',
      lines: [{ sku: 'MUG', quantity: 3, quantity_sent: 0 }],
      fulfilments: [],
      refunds: [],
    })
    expect(numbers((await service.get('/api/v1/admin/orders')).json())).toEqual([
      second.number,
      first.number,
      before.number,
    ])

    const lineId = listed.json().data[1].lines[0].id
    const sent = await service.post(`/api/v1/admin/orders/${first.number}/fulfilments`, {
      lines: [{ line_id: lineId, quantity: 2 }],
      carrier: 'Royal Mail',
      tracking_number: 'RM123456789GB',
    })
    expect(sent.statusCode).toBe(201)
    expect(sent.json()).toMatchObject({
      number: first.number,
      fulfilment_status: 'partially_fulfilled',
      lines: [{ id: lineId, quantity: 3, quantity_sent: 2 }],
      fulfilments: [
        { carrier: 'Royal Mail', tracking_number: 'RM123456789GB', lines: [{ line_id: lineId, quantity: 2 }] },
      ],
    })
    // The rest of it: everything left to send, when no lines are named.
    const rest = await service.post(`/api/v1/admin/orders/${first.number}/fulfilments`, { carrier: 'DPD' })
    expect(rest.statusCode).toBe(201)
    expect(rest.json()).toMatchObject({ fulfilment_status: 'fulfilled', lines: [{ quantity_sent: 3 }] })
    expect(rest.json().fulfilments[1].lines).toEqual([{ line_id: lineId, quantity: 1 }])

    // The change is the key's maker's, through the key, on the order's timeline and in the activity log.
    const events = await shop.db
      .selectFrom('order_events')
      .select(['message', 'actor_user_id'])
      .where('kind', '=', 'fulfilled')
      .orderBy('id')
      .execute()
    expect(events).toEqual([
      {
        message: 'Sent 2 items by Royal Mail, tracking RM123456789GB, through the API key “Warehouse”.',
        actor_user_id: service.owner.id,
      },
      { message: 'Sent 1 item by DPD, through the API key “Warehouse”.', actor_user_id: service.owner.id },
    ])
    const logged = await shop.db
      .selectFrom('activity_log')
      .select(['actor_user_id', 'summary'])
      .where('action', '=', 'order.fulfilled')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    expect(logged).toEqual({
      actor_user_id: service.owner.id,
      summary: `Sent 2 items of order #${first.number} by Royal Mail, tracking RM123456789GB, through the API key “Warehouse”`,
    })
    const shipped = await shop.db
      .selectFrom('outbox_emails')
      .select('template')
      .where('template', '=', 'order-shipped')
      .execute()
    expect(shipped).toHaveLength(2)

    const reader = await outsideService(shop, ['orders:read'], 'Accounts')
    expect((await reader.get(`/api/v1/admin/orders/${second.number}`)).statusCode).toBe(200)
    const refused = await reader.post(`/api/v1/admin/orders/${second.number}/fulfilments`, {})
    expect(refused.statusCode).toBe(403)
    expect(refused.json().detail).toBe('This API key does not have the orders:write scope.')
    const unscoped = await outsideService(shop, ['products:read'], 'Feed')
    expect((await unscoped.get('/api/v1/admin/orders')).json().detail).toBe(
      'This API key does not have the orders:read scope.',
    )

    await revokeApiKey(shop.db, service.key.id)
    const revoked = await service.get('/api/v1/admin/orders')
    expect(revoked.statusCode).toBe(401)
    expect(revoked.headers['www-authenticate']).toBe('Bearer realm="shopfront"')
    expect(
      (await service.post(`/api/v1/admin/orders/${second.number}/cancellation`, { reason: 'Asked to' })).statusCode,
    ).toBe(401)
    expect((await orderRow(shop.db, second.number)).cancelled_at).toBeNull()
    const api = await apiClient(shop.app)
    expect((await api.get('/api/v1/admin/orders')).statusCode).toBe(401)
  })

  it('pages newest first without skipping or repeating an order while orders are placed between pages', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop)
    const placed: Order[] = []
    for (let i = 0; i < 5; i++) placed.push(await placeTestOrder(shop.db, variant, { token: `o${i}` }))

    const seen: number[] = []
    let url: string | null = '/api/v1/admin/orders?limit=2'
    let pages = 0
    while (url) {
      const page = await service.get(url)
      expect(page.statusCode).toBe(200)
      const body = page.json()
      seen.push(...numbers(body))
      // Orders arrive while the client pages: they are newer than every page it has left.
      await placeTestOrder(shop.db, variant, { token: `new${pages++}` })
      if (body.next_cursor === null) {
        expect(page.headers.link).toBeUndefined()
        url = null
      } else {
        const link = /^<([^>]+)>; rel="next"$/.exec(String(page.headers.link))?.[1]
        expect(link).toBe(`/api/v1/admin/orders?limit=2&cursor=${body.next_cursor}`)
        url = link as string
      }
    }
    expect(seen).toEqual(placed.map((order) => order.number).reverse())
    expect(pages).toBe(3)
  })

  it('lists changes oldest first for keeping a copy: every change once, in order, while orders are placed and changed between pages, and again from the kept cursor later', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop)
    const start = Date.now() - 120_000
    const at = (seconds: number) => new Date(start + seconds * 1000)
    const place = (token: string, seconds: number) =>
      atTime(at(seconds), () => placeTestOrder(shop.db, variant, { token }))
    const orders: Order[] = []
    for (let i = 0; i < 5; i++) orders.push(await place(`o${i}`, i))
    const [o0, o1, o2, o3, o4] = orders as [Order, Order, Order, Order, Order]
    const send = (order: Order, seconds: number) =>
      atTime(at(seconds), () =>
        fulfilOrder(shop.db, order.number, { id: null }, { carrier: '', tracking: '', quantities: 'rest' }, 'http://x'),
      )

    const feed = async (cursor: string | null) => {
      const page = await service.get(`/api/v1/admin/orders?sort=updated&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.statusCode).toBe(200)
      return page.json() as { data: { number: number; fulfilment_status: string }[]; next_cursor: string | null }
    }
    const first = await feed(null)
    expect(numbers(first)).toEqual([o0.number, o1.number])
    // Meanwhile an order is placed and one already seen is sent.
    const o5 = await place('o5', 10)
    await send(o0, 11)
    const second = await feed(first.next_cursor)
    expect(numbers(second)).toEqual([o2.number, o3.number])
    const third = await feed(second.next_cursor)
    expect(numbers(third)).toEqual([o4.number, o5.number])
    const fourth = await feed(third.next_cursor)
    expect(fourth.data).toMatchObject([{ number: o0.number, fulfilment_status: 'fulfilled' }])
    // A short page is not the end of a list that keeps growing; an empty one is, for now.
    expect(fourth.next_cursor).not.toBeNull()
    const end = await feed(fourth.next_cursor)
    expect(end).toEqual({ data: [], next_cursor: null })

    // Later: the client asks again with the cursor it kept, and gets only what changed since.
    const kept = fourth.next_cursor
    await send(o3, 20)
    const o6 = await place('o6', 21)
    expect(numbers(await feed(kept))).toEqual([o3.number, o6.number])

    // A change of this moment is listed once it has settled, so a slower transaction that took an earlier time is never passed over.
    const now = await placeTestOrder(shop.db, variant, { token: 'now' })
    const afterO6 = (await feed(kept)).next_cursor
    expect((await feed(afterO6)).data).toEqual([])
    const settled = await atTime(new Date(Date.now() + 6_000), () => feed(afterO6))
    expect(numbers(settled)).toEqual([now.number])

    // Filters hold in this order too.
    const sent = await service.get('/api/v1/admin/orders?sort=updated&fulfilment_status=fulfilled')
    expect(numbers(sent.json())).toEqual([o0.number, o3.number])
    const changedSince = await service.get(
      `/api/v1/admin/orders?sort=updated&updated_since=${encodeURIComponent(at(20).toISOString())}`,
    )
    expect(numbers(changedSince.json())).toEqual([o3.number, o6.number])
  })

  it('filters by status, payment, fulfilment and the times given with any offset', async ({ shop, variant }) => {
    const service = await outsideService(shop)
    const old = await atTime(new Date('2026-01-10T12:00:00Z'), () => placeTestOrder(shop.db, variant, { token: 'old' }))
    const paid = await placeTestOrder(shop.db, variant, { token: 'paid' })
    const cancelled = await placeTestOrder(shop.db, variant, { token: 'cancelled' })
    await changeOrders(shop.db, { payment_status: 'paid' }, paid.id)
    await service.post(`/api/v1/admin/orders/${cancelled.number}/cancellation`, { reason: 'Asked us to' })

    const list = async (query: string) => numbers((await service.get(`/api/v1/admin/orders?${query}`)).json())
    expect(await list('status=cancelled')).toEqual([cancelled.number])
    expect(await list('status=open')).toEqual([paid.number, old.number])
    expect(await list('payment_status=paid')).toEqual([paid.number])
    expect(await list('payment_status=pending&status=open')).toEqual([old.number])
    expect(await list('fulfilment_status=unfulfilled&status=open&payment_status=pending')).toEqual([old.number])
    expect(await list('created_since=2026-01-10T13:00:00%2B02:00')).toEqual([cancelled.number, paid.number, old.number])
    expect(await list('created_since=2026-01-10T14:00:00%2B01:00')).toEqual([cancelled.number, paid.number])
    expect(await list('created_since=2026-01-11')).toEqual([cancelled.number, paid.number])
    expect(await list('created_since=2099-01-01')).toEqual([])
  })

  it('shows one order by its number, and answers 404 for any other number', async ({ shop, variant }) => {
    const service = await outsideService(shop, ['orders:read'])
    const placed = await placeTestOrder(shop.db, variant, { token: 'one', quantity: 2 })
    const response = await service.get(`/api/v1/admin/orders/${placed.number}`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      number: placed.number,
      total: placed.total,
      currency: 'GBP',
      shipping_address: { line1: '1 Marsh Lane', city: 'Bristol', country: 'GB' },
      lines: [{ sku: 'MUG', title: 'Heather Mug', quantity: 2, unit_price: 1800 }],
    })
    for (const number of ['9999', '0', 'abc', '1001.0', '-1001', '2147483648', '99999999999999999999']) {
      const missing = await service.get(`/api/v1/admin/orders/${number}`)
      expect(missing.statusCode, number).toBe(404)
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
  })

  it('answers a bad query with 400 and a message per parameter', async ({ shop, variant }) => {
    const service = await outsideService(shop)
    await placeTestOrder(shop.db, variant, { token: 'a' })
    await placeTestOrder(shop.db, variant, { token: 'b' })
    const cases: [string, string, string][] = [
      ['created_since=yesterday', 'created_since', 'Send created_since as an ISO 8601 time'],
      ['created_since=2026-02-30', 'created_since', 'Send created_since as an ISO 8601 time'],
      ['updated_since=2026-12-08T10:00:00', 'updated_since', 'Send updated_since as an ISO 8601 time'],
      ['updated_since=2026-12-08T25:00:00Z', 'updated_since', 'Send updated_since as an ISO 8601 time'],
      ['status=shipped', 'status', 'Send status as open or cancelled'],
      ['payment_status=stolen', 'payment_status', 'Send payment_status as'],
      ['fulfilment_status=lost', 'fulfilment_status', 'Send fulfilment_status as'],
      ['sort=oldest', 'sort', 'Send sort as newest or updated'],
      ['limit=0', 'limit', 'Send limit as a whole number from 1 to 100'],
      ['limit=101', 'limit', 'Send limit as a whole number from 1 to 100'],
      ['limit=2.5', 'limit', 'Send limit as a whole number from 1 to 100'],
      ['page=2', 'page', 'This field is not accepted here'],
    ]
    for (const [query, field, message] of cases) {
      const response = await service.get(`/api/v1/admin/orders?${query}`)
      expect(response.statusCode, query).toBe(400)
      expect(response.json().errors?.[field], query).toMatch(
        new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      )
    }

    const next = (await service.get('/api/v1/admin/orders?limit=1')).json().next_cursor as string
    const [body, mac] = next.split('.') as [string, string]
    const tampered = Buffer.from(JSON.stringify({ sort: 'newest', id: 999999 })).toString('base64url')
    for (const cursor of [`${tampered}.${mac}`, `${body}.${mac.slice(1)}x`, 'not-a-cursor', `${body}x.${mac}`]) {
      const response = await service.get(`/api/v1/admin/orders?cursor=${encodeURIComponent(cursor)}`)
      expect(response.statusCode, cursor).toBe(400)
      expect(response.json().detail).toBe('This cursor is not one this API gave: start again from the first page.')
    }
    // A real cursor of the other order, or of another list, is refused too.
    const other = await service.get(`/api/v1/admin/orders?sort=updated&cursor=${next}`)
    expect(other.statusCode).toBe(400)
    expect(other.json().detail).toMatch(/^This cursor is not one of the list with sort=updated/)
    const secret = shop.config.sessionSecret
    const foreign: CursorPosition[] = [
      { price: 100, id: 3 },
      { sort: 'newest', id: '3' },
      { sort: 'newest', id: 2 ** 40 },
    ]
    for (const position of foreign) {
      const response = await service.get(`/api/v1/admin/orders?cursor=${encodeCursor(secret, position)}`)
      expect(response.statusCode, JSON.stringify(position)).toBe(400)
    }
    const updatedCursor = encodeCursor(secret, { sort: 'updated', at: 'yesterday', id: 3 })
    expect((await service.get(`/api/v1/admin/orders?sort=updated&cursor=${updatedCursor}`)).statusCode).toBe(400)
  })

  it('sends a parcel only within what is left to send, with every bad body a 422 that changes nothing', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop)
    const placed = await placeTestOrder(shop.db, variant, { token: 'p', quantity: 2 })
    const other = await placeTestOrder(shop.db, variant, { token: 'other' })
    const line = await lineOf(shop.db, placed)
    const url = `/api/v1/admin/orders/${placed.number}/fulfilments`
    const cases: [unknown, Record<string, string>][] = [
      [{ lines: [{ line_id: line, quantity: 1 }], colour: 'red' }, { colour: 'This field is not accepted here' }],
      [{ lines: [{ line_id: line, quantity: 1, note: 'x' }] }, { 'lines.0.note': 'This field is not accepted here' }],
      [
        { lines: [{ line_id: line, quantity: 1.5 }] },
        { 'lines.0.quantity': 'Enter how many to send, as a whole number' },
      ],
      [
        { lines: [{ line_id: line, quantity: -1 }] },
        { 'lines.0.quantity': 'Enter how many to send, as a whole number' },
      ],
      [
        { lines: [{ line_id: line, quantity: '1' }] },
        { 'lines.0.quantity': 'Enter how many to send, as a whole number' },
      ],
      [{ lines: [{ line_id: line, quantity: 0 }] }, { 'lines.0.quantity': 'Send at least 1, or leave the line out' }],
      [{ lines: [{ line_id: line, quantity: 3 }] }, { 'lines.0.quantity': 'Only 2 of Heather Mug are left to send' }],
      [
        { lines: [{ line_id: line, quantity: 10000 }] },
        { 'lines.0.quantity': 'Enter how many to send, as a whole number' },
      ],
      [{ lines: [{ line_id: await lineOf(shop.db, other), quantity: 1 }] }, { lines: 'Choose items of this order' }],
      [
        { lines: [{ line_id: 2 ** 40, quantity: 1 }] },
        { 'lines.0.line_id': 'Send the id of one of the order’s lines' },
      ],
      [{ lines: [] }, { lines: 'Send at least one line, or leave lines out to send everything left to send' }],
      [
        {
          lines: [
            { line_id: line, quantity: 1 },
            { line_id: line, quantity: 1 },
          ],
        },
        { lines: 'Send each line once' },
      ],
      [{ lines: { line_id: line } }, { lines: 'Send lines as a list of {"line_id", "quantity"}' }],
      [{ tracking_number: 'RM1' }, { carrier: 'Say which carrier the tracking number is with' }],
      [{ carrier: 'x'.repeat(101) }, { carrier: 'Keep the carrier to 100 characters' }],
      [[], { _form: 'Send the fields of the form as an object of named values.' }],
    ]
    for (const [payload, errors] of cases) {
      const response = await service.post(url, JSON.stringify(payload))
      expect(response.statusCode, JSON.stringify(payload)).toBe(422)
      expect(response.json().errors, JSON.stringify(payload)).toEqual(errors)
    }
    const malformed = await service.post(url, '{"carrier": ')
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().detail).toBe('The request body is not valid JSON of the expected shape.')
    expect(await shop.db.selectFrom('fulfilments').selectAll().execute()).toEqual([])
    expect((await orderRow(shop.db, placed.number)).fulfilment_status).toBe('unfulfilled')

    expect((await service.post('/api/v1/admin/orders/9999/fulfilments', {})).statusCode).toBe(404)
    expect((await service.post(url, {})).statusCode).toBe(201)
    const again = await service.post(url, {})
    expect(again.statusCode).toBe(409)
    expect(again.json().detail).toBe(`Everything in order #${placed.number} has been sent already.`)

    await service.post(`/api/v1/admin/orders/${other.number}/cancellation`, { reason: 'Asked us to' })
    const cancelled = await service.post(`/api/v1/admin/orders/${other.number}/fulfilments`, {})
    expect(cancelled.statusCode).toBe(409)
    expect(cancelled.json().detail).toBe(`Order #${other.number} is cancelled, so nothing can be sent.`)
  })

  it('refunds a paid order in minor units, never more than was paid, with every bad body a 422', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop, ['orders:read', 'orders:write'], 'Accounts')
    const placed = await placeTestOrder(shop.db, variant, { token: 'r' })
    const url = `/api/v1/admin/orders/${placed.number}/refunds`
    const unpaid = await service.post(url, { amount: 500, reason: 'Chipped handle' })
    expect(unpaid.statusCode).toBe(409)
    expect(unpaid.json().detail).toBe(`Order #${placed.number} has no payment to refund.`)
    await changeOrders(shop.db, { payment_status: 'paid' }, placed.id)

    const minor = 'Send the amount in minor units, as a whole number above 0: 1250 is 12.50'
    const cases: [unknown, Record<string, string>][] = [
      [{ amount: 12.5, reason: 'Chipped' }, { amount: minor }],
      [{ amount: -500, reason: 'Chipped' }, { amount: minor }],
      [{ amount: 0, reason: 'Chipped' }, { amount: minor }],
      [{ amount: '500', reason: 'Chipped' }, { amount: minor }],
      [{ reason: 'Chipped' }, { amount: minor }],
      [{ amount: 500 }, { reason: 'Say why you are refunding' }],
      [{ amount: 500, reason: 'no' }, { reason: 'Say why you are refunding: it is kept with the order' }],
      [{ amount: 500, reason: 'Chipped', currency: 'GBP' }, { currency: 'This field is not accepted here' }],
      [
        { amount: placed.total + 1, reason: 'Chipped' },
        { amount: `Refund at most £${(placed.total / 100).toFixed(2)}, what is left of the payment` },
      ],
    ]
    for (const [payload, errors] of cases) {
      const response = await service.post(url, JSON.stringify(payload))
      expect(response.statusCode, JSON.stringify(payload)).toBe(422)
      expect(response.json().errors, JSON.stringify(payload)).toEqual(errors)
    }
    expect(await shop.db.selectFrom('refunds').selectAll().execute()).toEqual([])

    const part = await service.post(url, { amount: 500, reason: 'Chipped handle' })
    expect(part.statusCode).toBe(201)
    expect(part.json()).toMatchObject({
      payment_status: 'partially_refunded',
      refunds: [{ amount: 500, reason: 'Chipped handle', status: 'succeeded' }],
    })
    const rest = await service.post(url, { amount: placed.total - 500, reason: 'Never arrived' })
    expect(rest.json().payment_status).toBe('refunded')
    const more = await service.post(url, { amount: 1, reason: 'Never arrived' })
    expect(more.statusCode).toBe(409)
    const summaries = await shop.db
      .selectFrom('activity_log')
      .select('summary')
      .where('action', '=', 'order.refunded')
      .orderBy('id')
      .execute()
    expect(summaries[0]?.summary).toBe(
      `Refunded £5.00 of order #${placed.number}, through the API key “Accounts”: Chipped handle`,
    )
  })

  it('cancels an order not yet sent, stock back on sale, and refuses one cancelled or sent', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop)
    const placed = await placeTestOrder(shop.db, variant, { token: 'c', quantity: 4 })
    const sent = await placeTestOrder(shop.db, variant, { token: 's' })
    const stock = async () =>
      (await shop.db.selectFrom('variants').select('stock').where('id', '=', variant).executeTakeFirstOrThrow()).stock
    expect(await stock()).toBe(45)
    const url = `/api/v1/admin/orders/${placed.number}/cancellation`
    for (const [payload, errors] of [
      [{}, { reason: 'Say why the order is cancelled' }],
      [{ reason: 'no' }, { reason: 'Say why the order is cancelled: the customer is told' }],
      [{ reason: 'Out of clay', restock: false }, { restock: 'This field is not accepted here' }],
      [{ reason: 42 }, { reason: 'Say why the order is cancelled' }],
    ] as const) {
      const response = await service.post(url, payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(422)
      expect(response.json().errors).toEqual(errors)
    }
    expect((await orderRow(shop.db, placed.number)).cancelled_at).toBeNull()

    const cancelled = await service.post(url, { reason: 'Out of clay, sorry.' })
    expect(cancelled.statusCode).toBe(201)
    expect(cancelled.json()).toMatchObject({ number: placed.number, status: 'cancelled' })
    expect(cancelled.json().cancelled_at).not.toBeNull()
    expect(await stock()).toBe(49)
    const event = await shop.db
      .selectFrom('order_events')
      .select(['message', 'actor_user_id'])
      .where('kind', '=', 'cancelled')
      .executeTakeFirstOrThrow()
    expect(event).toEqual({
      message: 'Cancelled, through the API key “Warehouse”: Out of clay, sorry. The stock is back on sale.',
      actor_user_id: service.owner.id,
    })
    const emailed = await shop.db.selectFrom('outbox_emails').select('template').execute()
    expect(emailed.map((e) => e.template)).toContain('order-cancelled')

    const twice = await service.post(url, { reason: 'Out of clay, sorry.' })
    expect(twice.statusCode).toBe(409)
    expect(twice.json().detail).toBe(`Order #${placed.number} is already cancelled.`)
    await service.post(`/api/v1/admin/orders/${sent.number}/fulfilments`, {})
    const late = await service.post(`/api/v1/admin/orders/${sent.number}/cancellation`, { reason: 'Too late now' })
    expect(late.statusCode).toBe(409)
    expect(late.json().detail).toBe(`Order #${sent.number} has been sent, so it cannot be cancelled.`)
    expect((await service.post('/api/v1/admin/orders/abc/cancellation', { reason: 'Nothing' })).statusCode).toBe(404)
  })

  it('keeps working for a key whose maker’s account is gone: the change is the key’s alone', async ({
    shop,
    variant,
  }) => {
    const service = await outsideService(shop)
    await shop.db.updateTable('api_keys').set({ created_by: null }).where('id', '=', service.key.id).execute()
    const placed = await placeTestOrder(shop.db, variant, { token: 'k' })
    const response = await service.post(`/api/v1/admin/orders/${placed.number}/fulfilments`, {})
    expect(response.statusCode).toBe(201)
    const logged = await shop.db
      .selectFrom('activity_log')
      .select(['actor_user_id', 'summary'])
      .where('action', '=', 'order.fulfilled')
      .executeTakeFirstOrThrow()
    expect(logged).toEqual({
      actor_user_id: null,
      summary: `Sent 1 item of order #${placed.number}, through the API key “Warehouse”`,
    })
  })
})

describe('refunds of card orders through the admin orders API', () => {
  let stripe: FakeStripe
  let shop: TestShop
  beforeAll(async () => {
    stripe = await startFakeStripe({ autoDeliver: false })
    shop = await buildTestApp({
      stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, apiUrl: new URL(stripe.url) },
    })
  })
  afterAll(async () => {
    await shop.close()
    await stripe.close()
  })

  /** A card order paid on the Stripe stand-in, its webhook received. */
  async function paidCardOrder(token: string) {
    const config = shop.config.stripe
    const variant = await createTestVariant(shop.db, { title: 'Heather Mug', price: 1800, stock: 5 })
    const placed = await placeTestOrder(shop.db, variant.id, {
      token,
      payments: createPayments(config),
      details: { paymentMethod: 'stripe' },
    })
    const opened = await shop.app.inject({ url: `/orders/${placed.access_token}/payment` })
    const sessionId = /\/c\/pay\/(cs_test_\w+)$/.exec(String(opened.headers.location))?.[1] as string
    const { payload, signature } = stripe.signed(stripe.pay(sessionId))
    const delivered = await shop.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    })
    expect(delivered.statusCode).toBe(200)
    return { placed, intent: stripe.sessions.get(sessionId)?.payment_intent }
  }

  plainIt('refunds by Stripe, and answers 409 with nothing refunded when Stripe refuses', async () => {
    const service = await outsideService(shop, ['orders:write'], 'Accounts')
    const { placed, intent } = await paidCardOrder('card')
    const url = `/api/v1/admin/orders/${placed.number}/refunds`

    const refunded = await service.post(url, { amount: 700, reason: 'Chipped handle' })
    expect(refunded.statusCode).toBe(201)
    expect(refunded.json()).toMatchObject({
      payment_status: 'partially_refunded',
      refunds: [{ amount: 700, status: 'succeeded' }],
    })
    expect([...stripe.refunds.values()]).toEqual([{ payment_intent: intent, amount: 700 }])
    expect(stripe.calls.at(-1)?.idempotencyKey).toMatch(/^shopfront-refund-[0-9a-f]{32}-\d+$/)

    stripe.refusing = true
    const refused = await service.post(url, { amount: 100, reason: 'Chipped handle' })
    stripe.refusing = false
    expect(refused.statusCode).toBe(409)
    expect(refused.json().detail).toMatch(/^Stripe refused the refund, so nothing was refunded/)
    expect(stripe.refunds.size).toBe(1)
    const order = await orderRow(shop.db, placed.number)
    expect(order.payment_status).toBe('partially_refunded')
  })
})

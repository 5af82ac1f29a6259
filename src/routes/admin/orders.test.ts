import { describe, expect } from 'vitest'
import type { Db } from '../../db/connection.js'
import { changeVariants, createTestProduct } from '../../testing/catalogue.js'
import { shopTest } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'
import { changeOrders, placeTestOrder } from '../../testing/orders.js'

/** Sam Staff, and a mug with 20 in stock. */
const it = shopTest.extend('staffOptions', { name: 'Sam Staff' }).extend('variantOptions', { stock: 20 })

describe('orders in the back office', () => {
  const order = (db: Db, number: number) =>
    db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow()
  const stock = async (db: Db, variant: number) =>
    (await db.selectFrom('variants').select('stock').where('id', '=', variant).executeTakeFirstOrThrow()).stock
  const emails = (db: Db, template: string) =>
    db.selectFrom('outbox_emails').selectAll().where('template', '=', template).execute()
  const numbersIn = (html: string) => [...html.matchAll(/href="\/admin\/orders\/(\d+)"/g)].map((m) => Number(m[1]))

  it('lists orders newest first and finds them by number, email, name, status and date', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    const ada = await placeTestOrder(shop.db, variant, { token: 'a' })
    const grace = await placeTestOrder(shop.db, variant, {
      token: 'g',
      details: { email: 'grace@example.com', name: 'Grace Hopper', paymentMethod: 'pay_on_pickup' },
    })
    await changeOrders(shop.db, { placed_at: '2026-01-15T10:00:00.000Z' }, ada.id)

    const all = await get('/admin/orders')
    expect(all.statusCode).toBe(200)
    expect(numbersIn(all.body)).toEqual([grace.number, ada.number])
    expect(await htmlErrors(all.body)).toEqual([])

    expect(numbersIn((await get(`/admin/orders?q=%23${ada.number}`)).body)).toEqual([ada.number])
    expect(numbersIn((await get('/admin/orders?q=GRACE@EXAMPLE')).body)).toEqual([grace.number])
    expect(numbersIn((await get('/admin/orders?q=grace%20h')).body)).toEqual([grace.number])
    expect(numbersIn((await get('/admin/orders?q=%25')).body)).toEqual([])
    expect(numbersIn((await get('/admin/orders?from=2026-01-01&to=2026-01-31')).body)).toEqual([ada.number])
    expect(numbersIn((await get('/admin/orders?from=2030-01-01')).body)).toEqual([])

    await post(`/admin/orders/${ada.number}/payment`)
    expect(numbersIn((await get('/admin/orders?payment=paid')).body)).toEqual([ada.number])
    expect(numbersIn((await get('/admin/orders?payment=pending')).body)).toEqual([grace.number])
  })

  it('answers a bad filter with a message and no list', async ({ shop, staff: { get }, variant }) => {
    await placeTestOrder(shop.db, variant, { token: 'a' })
    for (const [query, message] of [
      ['from=2026-02-30', 'Enter a real date, like 2026-12-01'],
      ['from=yesterday', 'Enter a date like 2026-12-01'],
      ['from=2026-03-01&to=2026-02-01', 'The end date must not be before the start date'],
      ['payment=stolen', 'Invalid option'],
    ] as const) {
      const response = await get(`/admin/orders?${query}`)
      expect(response.statusCode, query).toBe(422)
      expect(response.body).toContain(message.split(':')[0] as string)
      expect(numbersIn(response.body)).toEqual([])
    }
  })

  it('pages through many orders by keyset, without gaps or repeats', async ({ shop, staff: { get }, variant }) => {
    await changeVariants(shop.db, { stock: 100 }, { id: variant })
    const placed: number[] = []
    for (let i = 0; i < 55; i++) placed.push((await placeTestOrder(shop.db, variant, { token: `p${i}` })).number)
    const first = await get('/admin/orders')
    const older = /href="(\/admin\/orders\?before=\d+)">Older orders/.exec(first.body)?.[1]
    expect(older).toBeDefined()
    const second = await get((older as string).replace(/&amp;/g, '&'))
    const seen = [...numbersIn(first.body), ...numbersIn(second.body)]
    expect(seen).toEqual([...placed].reverse())
    expect(second.body).toContain('Newest orders')
    expect(second.body).not.toContain('Older orders')
  }, 20_000)

  it('marks a bank transfer paid: invoice number, email, timeline and activity log', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a' })
    const response = await post(`/admin/orders/${placed.number}/payment`)
    expect(response.statusCode).toBe(303)
    expect(await order(shop.db, placed.number)).toMatchObject({ payment_status: 'paid', invoice_number: 1 })
    expect(await emails(shop.db, 'payment-received')).toHaveLength(1)
    const page = await get(`/admin/orders/${placed.number}`)
    expect(page.body).toContain(`Order #${placed.number} is marked as paid, and the customer is emailed.`)
    expect(page.body).toMatch(
      /<strong>placed<\/strong>: <span class="timeline-message">Placed by ada@example.com \(guest\)/,
    )
    expect(page.body).toMatch(
      /<strong>paid<\/strong> by Sam Staff: <span class="timeline-message">Marked as paid; invoice INV-000001/,
    )
    expect(page.body).not.toContain('Mark as paid')
    expect(await htmlErrors(page.body)).toEqual([])
    const [entry] = await shop.db.selectFrom('activity_log').selectAll().execute()
    expect(entry).toMatchObject({ action: 'order.paid', subject_type: 'order', subject_id: placed.id })
    expect(JSON.parse(entry?.changes ?? '{}')).toEqual({ payment_status: ['pending', 'paid'] })

    const again = await post(`/admin/orders/${placed.number}/payment`)
    expect(again.statusCode).toBe(303)
    expect((await get(`/admin/orders/${placed.number}`)).body).toContain(`Order #${placed.number} is already paid.`)
    expect(await shop.db.selectFrom('activity_log').select('id').execute()).toHaveLength(1)
  })

  it('refuses to mark a card order paid by hand', async ({ shop, staff: { get, post }, variant }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'c' })
    await changeOrders(shop.db, { payment_method: 'stripe' }, placed.id)
    expect((await get(`/admin/orders/${placed.number}`)).body).not.toContain('Mark as paid')
    await post(`/admin/orders/${placed.number}/payment`)
    expect((await order(shop.db, placed.number)).payment_status).toBe('pending')
    expect((await get(`/admin/orders/${placed.number}`)).body).toContain(
      'is paid by card: it is marked paid when Stripe confirms',
    )
  })

  it('cancels after asking on a page of its own, with a reason the customer is sent', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a', quantity: 3 })
    expect(await stock(shop.db, variant)).toBe(17)
    const confirm = await get(`/admin/orders/${placed.number}/cancellation`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain(`Cancel order #${placed.number}?`)
    expect(await htmlErrors(confirm.body)).toEqual([])

    const empty = await post(`/admin/orders/${placed.number}/cancellation`, { reason: ' ' })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('Say why the order is cancelled: the customer is told')
    expect((await order(shop.db, placed.number)).cancelled_at).toBeNull()

    const done = await post(`/admin/orders/${placed.number}/cancellation`, { reason: 'The kiln cracked this batch.' })
    expect(done.headers.location).toBe(`/admin/orders/${placed.number}`)
    expect((await order(shop.db, placed.number)).cancelled_at).not.toBeNull()
    expect(await stock(shop.db, variant)).toBe(20)
    const [mail] = await emails(shop.db, 'order-cancelled')
    expect(mail?.text).toContain('The kiln cracked this batch.')
    const page = await get(`/admin/orders/${placed.number}`)
    expect(page.body).toMatch(
      /<strong>cancelled<\/strong> by Sam Staff: <span class="timeline-message">Cancelled: The kiln cracked this batch\./,
    )
    expect(page.body).not.toContain('Cancel the order')

    await post(`/admin/orders/${placed.number}/cancellation`, { reason: 'Twice?' })
    expect((await get(`/admin/orders/${placed.number}`)).body).toContain('is already cancelled')
    expect(await stock(shop.db, variant)).toBe(20)
  })

  it('keeps internal notes on the timeline, refusing an empty or overlong one', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a' })
    const empty = await post(`/admin/orders/${placed.number}/notes`, { note: '   ' })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('Write the note')
    const long = await post(`/admin/orders/${placed.number}/notes`, { note: 'x'.repeat(2001) })
    expect(long.statusCode).toBe(422)
    expect(long.body).toContain('Keep the note to 2,000 characters')
    const added = await post(`/admin/orders/${placed.number}/notes`, { note: 'Customer rang: <b>gift wrap</b> please' })
    expect(added.headers.location).toBe(`/admin/orders/${placed.number}#timeline`)
    const page = await get(`/admin/orders/${placed.number}`)
    expect(page.body).toContain('Customer rang: &lt;b&gt;gift wrap&lt;/b&gt; please')
    // Staff only: the customer's own order page never shows notes.
    expect((await shop.app.inject({ url: `/orders/${placed.access_token}` })).body).not.toContain('gift wrap')
  })

  it('sends part of an order, then the rest, with the carrier and tracking number in the customer’s email', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    await createTestProduct(shop.db, { title: 'Birch Vase', variants: [{ sku: 'VASE', price: 3000, stock: 5 }] })
    const vase = (await shop.db.selectFrom('variants').select('id').where('sku', '=', 'VASE').executeTakeFirstOrThrow())
      .id
    const placed = await placeTestOrder(shop.db, variant, { token: 'a', quantity: 2 })
    const mugLine = (
      await shop.db.selectFrom('order_lines').select('id').where('order_id', '=', placed.id).executeTakeFirstOrThrow()
    ).id
    // A second order for the vase: its line is not this order's.
    const other = await placeTestOrder(shop.db, vase, { token: 'b' })
    const vaseLine = (
      await shop.db.selectFrom('order_lines').select('id').where('order_id', '=', other.id).executeTakeFirstOrThrow()
    ).id

    const page = await get(`/admin/orders/${placed.number}`)
    expect(page.body).toContain('Heather Mug (MUG), 2 of 2 left to send')
    expect(await htmlErrors(page.body)).toEqual([])

    for (const [fields, message] of [
      [{ [`line-${mugLine}`]: '3' }, 'Only 2 of Heather Mug are left to send'],
      [{ [`line-${mugLine}`]: '-1' }, 'Enter how many of Heather Mug to send, as a whole number'],
      [{ [`line-${mugLine}`]: '0' }, 'Choose at least one item to send'],
      [{ [`line-${vaseLine}`]: '1' }, 'Choose at least one item to send'],
      [{ [`line-${mugLine}`]: '1', tracking: 'RM123' }, 'Say which carrier the tracking number is with'],
    ] as const) {
      const response = await post(`/admin/orders/${placed.number}/fulfilments`, fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
    }
    expect(await shop.db.selectFrom('fulfilments').select('id').execute()).toEqual([])

    await post(`/admin/orders/${placed.number}/fulfilments`, {
      [`line-${mugLine}`]: '1',
      carrier: 'Royal Mail',
      tracking: 'RM123456789GB',
    })
    expect((await order(shop.db, placed.number)).fulfilment_status).toBe('partially_fulfilled')
    const [first] = await emails(shop.db, 'order-shipped')
    expect(first?.subject).toBe(`Part of your order #${placed.number} from Juniper & Pine is on its way`)
    expect(first?.text).toContain('Tracking number: RM123456789GB')
    expect(first?.text).toContain('1 × Heather Mug')
    expect((await get(`/admin/orders/${placed.number}`)).body).toContain('1 of 2 left to send')

    await post(`/admin/orders/${placed.number}/fulfilments`, {
      [`line-${mugLine}`]: '1',
      carrier: 'DPD',
      tracking: 'DPD42',
    })
    expect((await order(shop.db, placed.number)).fulfilment_status).toBe('fulfilled')
    const shipped = await emails(shop.db, 'order-shipped')
    expect(shipped[1]?.subject).toBe(`Your order #${placed.number} from Juniper & Pine is on its way`)
    const done = await get(`/admin/orders/${placed.number}`)
    expect(done.body).not.toContain('Send items')
    expect(done.body).not.toContain('Cancel the order')
    expect(done.body).toMatch(
      /<strong>fulfilled<\/strong> by Sam Staff: <span class="timeline-message">Sent 1 item by DPD, tracking DPD42\./,
    )
    // Sent, so it can no longer be cancelled.
    await post(`/admin/orders/${placed.number}/cancellation`, { reason: 'Too late now' })
    expect((await order(shop.db, placed.number)).cancelled_at).toBeNull()
  })

  it('refunds a paid order by hand, in parts, never more than was paid', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a' })
    expect((await get(`/admin/orders/${placed.number}/refund`)).statusCode).toBe(200)
    await post(`/admin/orders/${placed.number}/refunds`, { amount: '5', reason: 'Not yet paid' })
    expect((await get(`/admin/orders/${placed.number}`)).body).toContain('has no payment to refund')

    await post(`/admin/orders/${placed.number}/payment`)
    const total = (await order(shop.db, placed.number)).total
    const form = await get(`/admin/orders/${placed.number}/refund`)
    expect(form.body).toContain('can still be refunded')
    expect(await htmlErrors(form.body)).toEqual([])
    for (const [amount, message] of [
      ['lots', 'Enter the amount as a number, like 12.50'],
      ['0', 'Enter the amount as a number, like 12.50'],
      [((total + 1) / 100).toFixed(2), 'Refund at most £'],
    ] as const) {
      const response = await post(`/admin/orders/${placed.number}/refunds`, { amount, reason: 'Chipped' })
      expect(response.statusCode, amount).toBe(422)
      expect(response.body).toContain(message)
    }
    expect((await post(`/admin/orders/${placed.number}/refunds`, { amount: '5', reason: '' })).statusCode).toBe(422)

    await post(`/admin/orders/${placed.number}/refunds`, { amount: '5.00', reason: 'Chipped handle' })
    expect((await order(shop.db, placed.number)).payment_status).toBe('partially_refunded')
    await post(`/admin/orders/${placed.number}/refunds`, {
      amount: ((total - 500) / 100).toFixed(2),
      reason: 'Returned',
    })
    expect((await order(shop.db, placed.number)).payment_status).toBe('refunded')
    const page = await get(`/admin/orders/${placed.number}`)
    expect(page.body).toContain('Refunded £5.00 (given back by hand): Chipped handle')
    expect(page.body).not.toContain('Refund…')
    const log = await shop.db
      .selectFrom('activity_log')
      .select(['action', 'changes'])
      .where('action', '=', 'order.refunded')
      .execute()
    expect(log.map((l) => JSON.parse(l.changes ?? '{}').payment_status)).toEqual([
      ['paid', 'partially_refunded'],
      ['partially_refunded', 'refunded'],
    ])
  })

  it('prints a packing slip of what is left to send, and the invoice once paid', async ({
    shop,
    staff: { get, post },
    variant,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a', quantity: 2 })
    const slip = await get(`/admin/orders/${placed.number}/packing-slip.pdf`)
    expect(slip.statusCode).toBe(200)
    expect(slip.headers['content-type']).toBe('application/pdf')
    expect(slip.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    expect((await get(`/admin/orders/${placed.number}/invoice.pdf`)).statusCode).toBe(404)
    await post(`/admin/orders/${placed.number}/payment`)
    const invoice = await get(`/admin/orders/${placed.number}/invoice.pdf`)
    expect(invoice.statusCode).toBe(200)
    expect(invoice.headers['content-disposition']).toContain('invoice-INV-000001.pdf')
  })

  it('answers 404 for an order that does not exist, changing nothing', async ({ shop, staff: { get, post } }) => {
    for (const url of ['/admin/orders/999999', '/admin/orders/abc', '/admin/orders/999999/cancellation']) {
      expect((await get(url)).statusCode, url).toBe(404)
    }
    expect((await post('/admin/orders/999999/payment')).statusCode).toBe(404)
    expect((await post('/admin/orders/999999/notes', { note: 'hello' })).statusCode).toBe(404)
    expect((await post('/admin/orders/999999/cancellation', { reason: 'because' })).statusCode).toBe(404)
    expect(await shop.db.selectFrom('activity_log').select('id').execute()).toEqual([])
  })
})

describe('the activity log', () => {
  it('shows owners who changed what, filterable by person and kind, with before → after', async ({
    shop,
    variant,
    staff,
    owner,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a' })
    await staff.post(`/admin/orders/${placed.number}/payment`)

    const page = await owner.get('/admin/activity')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`Marked order #${placed.number} as paid`)
    expect(page.body).toContain('payment status: pending → paid')
    expect(page.body).toContain('<td data-label="Who">Sam Staff</td>')
    expect(await htmlErrors(page.body)).toEqual([])
    const byOwner = await owner.get(`/admin/activity?actor=${owner.user.id}`)
    expect(byOwner.body).not.toContain('Marked order')
    const bad = await owner.get('/admin/activity?actor=someone')
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('Choose someone from the list')
  })
})

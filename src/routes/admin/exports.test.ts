import { describe, expect } from 'vitest'
import { createTestVariant } from '../../testing/catalogue.js'
import { createUser } from '../../testing/factories.js'
import { shopTest as it } from '../../testing/fixtures.js'
import { copyOrder, placeTestOrder } from '../../testing/orders.js'

describe('CSV exports of the back-office lists', () => {
  const rowsOf = (body: string) =>
    body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')

  it('exports exactly the filtered orders, all of them, past one page of the stream', async ({ shop, staff }) => {
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 2000 }))
      .id
    // More than one batch of the stream (1,000 rows): copies of one order.
    const first = await placeTestOrder(shop.db, variant, {
      token: 'a',
      details: { email: 'grace@example.com', name: 'Grace' },
    })
    for (let i = 0; i < 1100; i++) {
      await copyOrder(shop.db, first, {
        number: 2000 + i,
        access_token: `t${i}`.padEnd(32, 'x'),
        checkout_token: `c${i}`,
        email: i % 2 ? 'ada@example.com' : '=cmd@example.com',
      })
    }
    const all = await staff.get('/admin/orders.csv')
    expect(all.statusCode).toBe(200)
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(all.headers['content-disposition']).toBe('attachment; filename="orders.csv"')
    const rows = rowsOf(all.body)
    expect(rows[0]).toBe(
      'number,placed_at,name,email,payment_method,payment_status,fulfilment_status,cancelled_at,currency,total',
    )
    expect(rows).toHaveLength(1 + 1101)
    // Newest first, every number once.
    const numbers = rows.slice(1).map((r) => Number(r.split(',')[0]))
    expect(new Set(numbers).size).toBe(1101)
    expect(numbers[0]).toBe(3099)
    // A value a spreadsheet would run as a formula stays text.
    expect(rows.some((r) => r.includes(",'=cmd@example.com,"))).toBe(true)
    expect(rows.some((r) => r.includes(',=cmd@example.com'))).toBe(false)

    const grace = rowsOf((await staff.get('/admin/orders.csv?q=grace%40')).body)
    expect(grace).toHaveLength(2)
    expect(grace[1]).toContain(`${first.number},`)
    expect((await staff.get('/admin/orders.csv?from=someday')).statusCode).toBe(422)
    expect((await staff.get('/admin/orders?q=grace%40')).body).toContain('href="/admin/orders.csv?q=grace%40"')
  }, 30_000)

  it('exports exactly the customers the search shows', async ({ shop, staff }) => {
    await createUser(shop.db, { role: 'customer', name: '@Mallory, "the tester"', email: 'mallory@example.com' })
    await createUser(shop.db, { role: 'customer', name: 'Ada', email: 'ada@example.com' })
    const rows = rowsOf((await staff.get('/admin/customers.csv?q=mallory')).body)
    expect(rows[0]).toBe('id,name,email,joined,orders,disabled_at')
    expect(rows).toHaveLength(2)
    expect(rows[1]).toContain(`"'@Mallory, ""the tester""",mallory@example.com`)
    expect((await staff.get(`/admin/customers.csv?q=${'x'.repeat(101)}`)).statusCode).toBe(422)
  })
})

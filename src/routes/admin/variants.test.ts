import { describe, expect } from 'vitest'
import type { Db } from '../../db/connection.js'
import { cancelOrder } from '../../modules/orders/order-changes.js'
import { shopTest } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'
import { placeTestOrder } from '../../testing/orders.js'

const it = shopTest.extend('staffOptions', { name: 'Sam Staff' })

describe('stock in the back office', () => {
  const ledger = (db: Db, variant: number) =>
    db
      .selectFrom('stock_movements')
      .select(['change', 'stock_after', 'reason'])
      .where('variant_id', '=', variant)
      .orderBy('id')
      .execute()

  it('explains the stock: every sale, cancellation and adjustment is a row with the stock after it', async ({
    shop,
    staff,
    variant,
  }) => {
    const placed = await placeTestOrder(shop.db, variant, { token: 'a', quantity: 3 })
    await cancelOrder(shop.db, placed.id, { reason: 'test', baseUrl: 'http://localhost' })
    await placeTestOrder(shop.db, variant, { token: 'b', quantity: 2 })
    const adjusted = await staff.post(`/admin/variants/${variant}/stock-adjustments`, {
      change: '+5',
      note: 'Delivery from the kiln',
    })
    expect(adjusted.statusCode).toBe(303)
    expect(await ledger(shop.db, variant)).toEqual([
      { change: -3, stock_after: 7, reason: 'sale' },
      { change: 3, stock_after: 10, reason: 'cancellation' },
      { change: -2, stock_after: 8, reason: 'sale' },
      { change: 5, stock_after: 13, reason: 'adjustment' },
    ])
    const stock = (
      await shop.db.selectFrom('variants').select('stock').where('id', '=', variant).executeTakeFirstOrThrow()
    ).stock
    expect(stock).toBe(13)
    expect(10 + (await ledger(shop.db, variant)).reduce((n, m) => n + m.change, 0)).toBe(stock)

    const page = await staff.get(`/admin/variants/${variant}`)
    expect(page.body).toContain('The stock is now 13.')
    expect(page.body).toContain(`sale of <a href="/admin/orders/${placed.number}">#${placed.number}</a>`)
    expect(page.body).toContain('adjustment by Sam Staff: Delivery from the kiln')
    expect(await htmlErrors(page.body)).toEqual([])
    const [entry] = await shop.db
      .selectFrom('activity_log')
      .select('changes')
      .where('action', '=', 'stock.adjusted')
      .execute()
    expect(JSON.parse(entry?.changes ?? '{}')).toEqual({ stock: [8, 13] })
  })

  it('refuses an adjustment that would take the stock below zero, or that is not a whole number, changing nothing', async ({
    shop,
    staff,
    variant,
  }) => {
    for (const [fields, message] of [
      [{ change: '-11', note: 'Broken' }, 'There are only 10 to take away'],
      [{ change: '2.5', note: 'Half' }, 'Enter a whole number to add, like 12, or to take away, like -3'],
      [{ change: '0', note: 'Nothing' }, 'Enter a number other than 0'],
      [{ change: '3', note: '' }, 'Say why the stock changes'],
    ] as const) {
      const response = await staff.post(`/admin/variants/${variant}/stock-adjustments`, fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
    }
    expect(await ledger(shop.db, variant)).toEqual([])
    expect((await staff.get('/admin/variants/99999')).statusCode).toBe(404)
  })
})

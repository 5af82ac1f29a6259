import type { KyselyPlugin } from 'kysely'
import { describe, expect } from 'vitest'
import { shopTest as it } from '../../testing/fixtures.js'
import { changeOrders, copyOrder, createRefund, placeTestOrder } from '../../testing/orders.js'
import { adminOrderListQuery, adminOrderPage } from './admin-orders.api.js'
import { fulfilOrder } from './fulfilment.js'
import { orderJsonOf, orderJsonsOf } from './orders.api.js'
import type { Order } from './place-order.js'

/** Counts the statements a piece of work sends to the database. */
function counting() {
  const counter = { queries: 0 }
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      counter.queries++
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  return { counter, plugin }
}

describe('the order as the API shows it', () => {
  it('reads a page of a hundred orders in four queries for their parts, each order as it reads alone', async ({
    shop,
    variant,
  }) => {
    const placed: Order[] = []
    for (let i = 0; i < 3; i++) placed.push(await placeTestOrder(shop.db, variant, { token: `t${i}`, quantity: i + 1 }))
    const [sent, refunded] = placed as [Order, Order, Order]
    await fulfilOrder(shop.db, sent.number, { id: null }, { carrier: 'DPD', tracking: '', quantities: 'rest' }, 'x')
    await changeOrders(shop.db, { payment_status: 'paid' }, refunded.id)
    await createRefund(shop.db, { order_id: refunded.id, amount: 300, status: 'succeeded' })
    for (let i = 0; i < 97; i++) {
      await copyOrder(shop.db, sent, { number: 5000 + i, access_token: `a${i}`, checkout_token: `c${i}` })
    }

    const { counter, plugin } = counting()
    const db = shop.db.withPlugin(plugin)
    const page = await adminOrderPage(db, adminOrderListQuery.parse({ limit: '100' }), null)
    if (page.kind !== 'page') throw new Error('no page')
    expect(page.data).toHaveLength(100)
    // The orders (one more than the page, to know whether another follows), then lines, parcels, their lines, refunds.
    expect(counter.queries).toBe(5)

    const rows = await shop.db
      .selectFrom('orders')
      .selectAll()
      .where(
        'id',
        'in',
        placed.map((o) => o.id),
      )
      .orderBy('id')
      .execute()
    const together = await orderJsonsOf(shop.db, rows)
    for (const [i, row] of rows.entries()) expect(together[i]).toEqual(await orderJsonOf(shop.db, row))
    expect(together.map((o) => [o.lines[0]?.quantity, o.fulfilments.length, o.refunds.length])).toEqual([
      [1, 1, 0],
      [2, 0, 1],
      [3, 0, 0],
    ])
    expect(await orderJsonsOf(shop.db, [])).toEqual([])
  })
})

/**
 * A second (or third) process for concurrency tests: places orders for the
 * carts it is given, all at once, on the database file it is given, and
 * prints what each one answered as JSON.
 *
 *   node --import tsx src/testing/place-orders-worker.ts <database file> <cart ids, comma-separated> <token prefix>
 */
import { createDb } from '../db/connection.js'
import { placeOrder } from '../modules/orders/place-order.js'
import { OFFLINE_PAYMENTS, TEST_CHECKOUT } from './orders.js'

const [file, carts, prefix] = process.argv.slice(2)
if (!file || !carts || !prefix) throw new Error('usage: place-orders-worker <file> <cart ids> <token prefix>')
const db = createDb(file)
const results = await Promise.all(
  carts.split(',').map(async (id) => {
    try {
      const result = await placeOrder(db, {
        cartId: Number(id),
        userId: null,
        checkoutToken: `${prefix}-${id}`,
        details: { ...TEST_CHECKOUT, email: `shopper${id}@example.com` },
        baseUrl: 'http://localhost',
        payments: OFFLINE_PAYMENTS,
      })
      return result.kind
    } catch (err) {
      return `error: ${(err as Error).message}`
    }
  }),
)
await db.destroy()
process.stdout.write(JSON.stringify(results))

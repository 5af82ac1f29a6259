/**
 * A second (or third) app process for idempotency tests: builds the real app
 * on the database it is given, waits for the agreed moment, then sends all
 * its order requests for a cart at once with one Idempotency-Key, and prints
 * each answer's status and order number as JSON.
 *
 *   node --import tsx src/testing/api-order-worker.ts <database> <cart id> <cart token> <key> <how many> <start at, ms>
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '../app.js'
import { testConfig } from './app.js'

const [database, cartId, token, key, count, startAt] = process.argv.slice(2)
if (!database || !cartId || !token || !key || !count || !startAt) {
  throw new Error('usage: api-order-worker <database> <cart id> <token> <key> <how many> <at>')
}
const app = await buildApp(testConfig({ database }))
await app.ready()
await sleep(Math.max(0, Number(startAt) - Date.now()))
const answers = await Promise.all(
  Array.from({ length: Number(count) }, () =>
    app.inject({
      method: 'POST',
      url: `/api/v1/carts/${cartId}/order`,
      payload: { payment_method: 'bank_transfer' },
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
    }),
  ),
)
await app.close()
process.stdout.write(
  JSON.stringify(answers.map((a) => ({ status: a.statusCode, number: a.json().order?.number ?? null }))),
)

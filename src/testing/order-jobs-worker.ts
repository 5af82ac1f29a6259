/**
 * Another process for concurrency tests of the order jobs: runs them once on
 * the database it is given, as `npm run worker` would, and prints what they
 * did as JSON (failures of single orders go to stderr, as the worker logs them).
 *
 *   node --import tsx src/testing/order-jobs-worker.ts <DATABASE_URL>
 */
import { createDb } from '../db/connection.js'
import { runOrderJobs } from '../modules/orders/order-jobs.js'
import { OFFLINE_PAYMENTS } from './orders.js'

const [database] = process.argv.slice(2)
if (!database) throw new Error('usage: order-jobs-worker <DATABASE_URL>')
const db = createDb(database)
const log = { warn: (obj: object, msg: string) => console.error(msg, JSON.stringify(obj)) }
try {
  const done = await runOrderJobs(db, { now: new Date(), baseUrl: 'http://localhost', payments: OFFLINE_PAYMENTS, log })
  process.stdout.write(JSON.stringify(done))
} finally {
  await db.destroy()
}

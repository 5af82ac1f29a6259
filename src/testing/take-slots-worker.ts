/**
 * Another process for concurrency tests of rate limits: takes slots of one
 * limit for one key, all at once, on the database file it is given, and
 * prints whether each was allowed as JSON.
 *
 *   node --import tsx src/testing/take-slots-worker.ts <database file> <calls> <max>
 */
import { createDb } from '../db/connection.js'
import { HOUR_MS, takeSlot } from '../modules/rate-limits/rate-limits.service.js'

const [file, calls, max] = process.argv.slice(2)
if (!file || !calls || !max) throw new Error('usage: take-slots-worker <file> <calls> <max>')
const db = createDb(file)
const limit = { bucket: 'test_action', max: Number(max), windowMs: HOUR_MS }
const results = await Promise.all(
  Array.from({ length: Number(calls) }, () =>
    takeSlot(db, limit, 'k').then(
      (verdict) => verdict.allowed,
      (err: Error) => `error: ${err.message}`,
    ),
  ),
)
await db.destroy()
process.stdout.write(JSON.stringify(results))

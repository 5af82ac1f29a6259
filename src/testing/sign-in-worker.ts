/**
 * A second (or third) app process for throttling tests: builds the real app
 * on the database file it is given, waits for the agreed moment, then sends
 * all its sign-in attempts at once and prints each answer's status as JSON.
 *
 *   node --import tsx src/testing/sign-in-worker.ts <database file> <email> <passwords as JSON> <start at, ms>
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '../app.js'
import { testConfig } from './app.js'
import { postForm } from './http.js'

const [file, email, passwords, startAt] = process.argv.slice(2)
if (!file || !email || !passwords || !startAt) throw new Error('usage: sign-in-worker <file> <email> <passwords> <at>')
const app = await buildApp(testConfig({ database: file }))
await app.ready()
await sleep(Math.max(0, Number(startAt) - Date.now()))
const answers = await Promise.all(
  (JSON.parse(passwords) as string[]).map((password) => postForm(app, '/login', { email, password })),
)
await app.close()
process.stdout.write(JSON.stringify(answers.map((a) => a.statusCode)))

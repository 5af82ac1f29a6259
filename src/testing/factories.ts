import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connection.js'
import type { Role, User } from '../db/schema.js'
import { hashPassword } from '../modules/accounts/password.js'
import { insertUser } from '../modules/accounts/users.repository.js'
import { nowIso } from '../lib/time.js'
import { testConfig } from './app.js'
import { postForm, sessionCookie } from './http.js'

export const TEST_PASSWORD = 'violet tractor meadow'

let counter = 0

/** A user straight into the database, hashed at the test cost. */
export async function createUser(
  db: Db,
  options: { email?: string; name?: string; password?: string; role?: Role; verified?: boolean } = {},
): Promise<User> {
  counter++
  const now = nowIso()
  return insertUser(db, {
    email: options.email ?? `person${counter}@example.com`,
    name: options.name ?? `Person ${counter}`,
    password_hash: await hashPassword(options.password ?? TEST_PASSWORD, testConfig().passwordHashing),
    role: options.role ?? 'customer',
    email_verified_at: options.verified === false ? null : now,
    created_at: now,
    updated_at: now,
  })
}

/** Signs in through the real form; returns the session cookie. */
export async function signInAs(
  app: FastifyInstance,
  user: Pick<User, 'email'>,
  password = TEST_PASSWORD,
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await postForm(app, '/login', { email: user.email, password, ...extra })
  if (response.statusCode !== 303) throw new Error(`sign-in failed with ${response.statusCode}`)
  return sessionCookie(response) as string
}

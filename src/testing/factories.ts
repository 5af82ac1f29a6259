import type { FastifyInstance } from 'fastify'
import type { Updateable } from 'kysely'
import type { Db } from '../db/connection.js'
import type { Role, SessionsTable, User, UserTokensTable } from '../db/schema.js'
import { nowIso } from '../lib/time.js'
import { hashPassword, type ScryptParams } from '../modules/accounts/password.js'
import { currentTotpCode, generateTotpSecret } from '../modules/accounts/totp.js'
import { insertUser } from '../modules/accounts/users.repository.js'
import { testConfig } from './app.js'
import { csrfTokenIn, postForm, sessionCookie } from './http.js'

export const TEST_PASSWORD = 'violet tractor meadow'

let counter = 0

/**
 * A user straight into the database, hashed at the test cost unless `hashing` names another (an older
 * or a production one). Staff and owners get two-factor sign-in unless told not to; `disabled` makes
 * the account closed from the start.
 */
export async function createUser(
  db: Db,
  options: {
    email?: string
    name?: string
    password?: string
    role?: Role
    verified?: boolean
    twoFactor?: boolean
    hashing?: ScryptParams
    disabled?: boolean
  } = {},
): Promise<User> {
  counter++
  const now = nowIso()
  const role = options.role ?? 'customer'
  const twoFactor = options.twoFactor ?? role !== 'customer'
  return insertUser(db, {
    totp_secret: twoFactor ? generateTotpSecret() : null,
    totp_enabled_at: twoFactor ? now : null,
    email: options.email ?? `person${counter}@example.com`,
    name: options.name ?? `Person ${counter}`,
    password_hash: await hashPassword(
      options.password ?? TEST_PASSWORD,
      options.hashing ?? testConfig().passwordHashing,
    ),
    role,
    email_verified_at: options.verified === false ? null : now,
    disabled_at: options.disabled ? now : null,
    created_at: now,
    updated_at: now,
  })
}

/** Closes an account straight in the database, as staff in another process would: ending its sessions is left to the app. */
export async function disableUser(db: Db, userId: number): Promise<void> {
  await db.updateTable('users').set({ disabled_at: nowIso() }).where('id', '=', userId).execute()
}

/** Leaves `ownerId` the shop's only owner: every other owner (the demo shop has one) becomes staff. */
export async function leaveOnlyOwner(db: Db, ownerId: number): Promise<void> {
  await db.updateTable('users').set({ role: 'staff' }).where('role', '=', 'owner').where('id', '!=', ownerId).execute()
}

/** Every stored session (or the one with `id`) as time or an older version of the app would have left it. */
export async function changeSessions(
  db: Db,
  changes: Pick<Updateable<SessionsTable>, 'data' | 'expires_at' | 'last_seen_at'>,
  id?: string,
): Promise<void> {
  let query = db.updateTable('sessions').set(changes)
  if (id !== undefined) query = query.where('id', '=', id)
  await query.execute()
}

/** Every emailed link's token (confirmation, password reset, …) as if made or running out at another time. */
export async function changeUserTokens(
  db: Db,
  changes: Pick<Updateable<UserTokensTable>, 'created_at' | 'expires_at'>,
): Promise<void> {
  await db.updateTable('user_tokens').set(changes).execute()
}

/** Signs in through the real forms, with a code from the app when two-factor is on; returns the session cookie. */
export async function signInAs(
  app: FastifyInstance,
  user: Pick<User, 'email' | 'totp_secret'>,
  password = TEST_PASSWORD,
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await postForm(app, '/login', { email: user.email, password, ...extra })
  if (response.statusCode !== 303) throw new Error(`sign-in failed with ${response.statusCode}`)
  const cookie = sessionCookie(response) as string
  if (response.headers.location !== '/login/two-factor') return cookie
  const secret = user.totp_secret as string
  // A code works once; a second sign-in within the same 30 seconds uses the next one, which is also accepted.
  for (const at of [Date.now(), Date.now() + 30_000]) {
    const token = csrfTokenIn((await app.inject({ url: '/login/two-factor', headers: { cookie } })).body) as string
    const second = await postForm(
      app,
      '/login/two-factor',
      { code: currentTotpCode(secret, at), _csrf: token },
      { cookie },
    )
    if (second.statusCode === 303) return sessionCookie(second) as string
  }
  throw new Error('the second sign-in step failed')
}

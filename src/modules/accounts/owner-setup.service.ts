import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { type Gone, gone, type Invalid, invalid } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { Validated } from '../../lib/validation.js'
import type { SignUpInput } from './accounts.forms.js'
import { sendVerification } from './accounts.service.js'
import { audit } from './audit.js'
import { hashPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { consumeToken, issueToken, peekToken, revokeUnownedTokens } from './tokens.js'
import { countUsersWithRole, findUserByEmail, insertUser } from './users.repository.js'

const SETUP_TTL_MS = 24 * 60 * 60_000

/**
 * A shop with no owner gets a one-time link to create one, made anew at every
 * start (the previous link stops working). Returns null once an owner exists.
 */
export async function ownerSetupLink(db: Db, baseUrl: string): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    if ((await countUsersWithRole(trx, 'owner')) > 0) return null
    await revokeUnownedTokens(trx, 'setup_owner')
    const token = await issueToken(trx, { userId: null, purpose: 'setup_owner', ttlMs: SETUP_TTL_MS })
    return `${baseUrl}/setup?token=${token}`
  })
}

/** Whether the set-up link works: it is one of ours, unused, unexpired, and the shop still has no owner. */
export async function isLiveSetupToken(db: Db, token: string): Promise<boolean> {
  if (!token) return false
  return (await countUsersWithRole(db, 'owner')) === 0 && (await peekToken(db, 'setup_owner', token)) !== undefined
}

export type OwnerSetupResult = { kind: 'created'; user: User } | Invalid | Gone

/**
 * Creates the owner from the setup link. A mistake in the form does not use
 * the link up; creating the owner does, and no second owner can be made this
 * way. A dead link is told apart before the form's mistakes, so it takes the
 * edge's verdict on the form.
 */
export async function createOwner(
  db: Db,
  token: string,
  form: Validated<SignUpInput>,
  ctx: RequestContext,
): Promise<OwnerSetupResult> {
  if (!(await isLiveSetupToken(db, token))) return gone
  if (!form.ok) return invalid(form.errors)
  const { name, email, password } = form.value
  const passwordHash = await hashPassword(password, ctx.scrypt)
  return db.transaction().execute(async (trx): Promise<OwnerSetupResult> => {
    if ((await countUsersWithRole(trx, 'owner')) > 0) return gone
    if (await findUserByEmail(trx, email)) {
      return invalid({ email: 'An account with this email address already exists' })
    }
    if (!(await consumeToken(trx, 'setup_owner', token))) return gone
    const now = nowIso()
    const user = await insertUser(trx, {
      email,
      name,
      role: 'owner',
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    })
    await sendVerification(trx, user, ctx)
    await audit(trx, { action: 'owner_created', actorUserId: user.id, ip: ctx.ip })
    return { kind: 'created', user }
  })
}

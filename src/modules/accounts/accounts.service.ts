import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import { signInInput, signUpInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { hashPassword, type ScryptParams, verifyAgainstDecoy, verifyPassword } from './password.js'
import { checkSignInThrottle, clearSignInFailures, recordSignInFailure } from './throttle.js'
import { consumeToken, issueToken, revokeTokens } from './tokens.js'
import { findUserByEmail, findUserById, insertUser, updateUser } from './users.repository.js'

/** Where a request comes from, for links in emails, throttling and the audit log. */
export interface RequestContext {
  ip: string
  baseUrl: string
  scrypt: ScryptParams
}

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60_000

export type SignUpResult = { ok: true; email: string } | { ok: false; errors: FieldErrors }

/**
 * Creates a customer account and emails a link to confirm the address. When
 * the address already has an account, its owner is emailed instead, and the
 * answer is the same: nobody can learn from sign-up which addresses are
 * registered. The password is hashed either way, so both take as long.
 */
export async function signUp(db: Db, input: unknown, ctx: RequestContext): Promise<SignUpResult> {
  const checked = validate(signUpInput, input)
  if (!checked.ok) return checked
  const { name, email, password } = checked.value
  const passwordHash = await hashPassword(password, ctx.scrypt)

  await db.transaction().execute(async (trx) => {
    const shop = await getShopSettings(trx)
    const existing = await findUserByEmail(trx, email)
    if (existing) {
      await enqueueEmail(trx, {
        template: 'account-exists',
        to: email,
        subject: `You already have an account at ${shop.shopName}`,
        data: { name: existing.name },
        shop,
        baseUrl: ctx.baseUrl,
      })
      await audit(trx, { action: 'sign_up_existing_email', subjectUserId: existing.id, ip: ctx.ip })
      return
    }
    const now = nowIso()
    const user = await insertUser(trx, {
      email,
      name,
      password_hash: passwordHash,
      role: 'customer',
      created_at: now,
      updated_at: now,
    })
    await sendVerification(trx, user, ctx)
    await audit(trx, { action: 'sign_up', actorUserId: user.id, ip: ctx.ip })
  })
  return { ok: true, email }
}

/** Emails a fresh link to confirm the user's address; earlier links stop working. */
export async function sendVerification(db: Db, user: User, ctx: Pick<RequestContext, 'baseUrl'>): Promise<void> {
  await revokeTokens(db, user.id, 'verify_email')
  const token = await issueToken(db, {
    userId: user.id,
    purpose: 'verify_email',
    ttlMs: VERIFY_EMAIL_TTL_MS,
    data: { email: user.email },
  })
  const shop = await getShopSettings(db)
  await enqueueEmail(db, {
    template: 'verify-email',
    to: user.email,
    subject: `Confirm your email address for ${shop.shopName}`,
    data: {
      name: user.name,
      link: `${ctx.baseUrl}/verify-email?token=${token}`,
      hours: VERIFY_EMAIL_TTL_MS / 3_600_000,
    },
    shop,
    baseUrl: ctx.baseUrl,
  })
}

export async function resendVerification(db: Db, user: User, ctx: RequestContext): Promise<void> {
  if (user.email_verified_at) return
  await db.transaction().execute((trx) => sendVerification(trx, user, ctx))
}

/**
 * Marks an address confirmed by the single-use link sent to it. A link for an
 * address the account no longer has confirms nothing.
 */
export async function verifyEmail(db: Db, token: string, ctx: RequestContext): Promise<User | null> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, 'verify_email', token)
    if (!used?.user_id) return null
    const user = await findUserById(trx, used.user_id)
    const address = used.data ? (JSON.parse(used.data) as { email?: string }).email : undefined
    if (!user || address !== user.email) return null
    const now = nowIso()
    if (!user.email_verified_at) {
      await updateUser(trx, user.id, { email_verified_at: now, updated_at: now })
      await audit(trx, { action: 'email_verified', actorUserId: user.id, ip: ctx.ip })
    }
    return { ...user, email_verified_at: user.email_verified_at ?? now }
  })
}

export type SignInResult =
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'failed' }
  | { kind: 'disabled' }
  | { kind: 'signed-in'; user: User; remember: boolean }

/**
 * Checks an email and password. Every failure looks the same from outside —
 * same words, same status, about the same time (a decoy hash is checked for
 * an unknown address) — and counts towards throttling that address and the
 * client's. A correct password on an old hash stores a hash at today's cost.
 */
export async function signIn(db: Db, input: unknown, ctx: RequestContext): Promise<SignInResult> {
  const checked = validate(signInInput, input)
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors }
  const { email, password, remember } = checked.value

  const throttle = await checkSignInThrottle(db, email, ctx.ip)
  if (!throttle.allowed) {
    await audit(db, { action: 'sign_in_throttled', ip: ctx.ip, details: { email } })
    return { kind: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds }
  }

  const user = await findUserByEmail(db, email)
  const verification = user ? await verifyPassword(password, user.password_hash, ctx.scrypt) : null
  if (!user || !verification?.ok) {
    if (!user) await verifyAgainstDecoy(password, ctx.scrypt)
    await recordSignInFailure(db, email, ctx.ip)
    await audit(db, { action: 'sign_in_failed', subjectUserId: user?.id ?? null, ip: ctx.ip, details: { email } })
    return { kind: 'failed' }
  }
  if (user.disabled_at) {
    await audit(db, { action: 'sign_in_failed', subjectUserId: user.id, ip: ctx.ip, details: { reason: 'disabled' } })
    return { kind: 'disabled' }
  }

  const now = nowIso()
  await clearSignInFailures(db, email)
  await updateUser(db, user.id, {
    last_sign_in_at: now,
    ...(verification.needsRehash ? { password_hash: await hashPassword(password, ctx.scrypt), updated_at: now } : {}),
  })
  await audit(db, { action: 'sign_in', actorUserId: user.id, ip: ctx.ip, details: { remember } })
  return { kind: 'signed-in', user, remember }
}

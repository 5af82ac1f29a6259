import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { describeUserAgent } from '../../lib/user-agent.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import { BusyError } from '../../lib/work-limit.js'
import { type EmailRequest, enqueueEmail, renderEmail } from '../mail/mail.service.js'
import { claimGuestOrders } from '../orders/orders.repository.js'
import { clientKey, giveSlotBack, takeSlot } from '../rate-limits/rate-limits.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import { signInInput, signUpInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { hashingLimit, hashPassword, verifyAgainstDecoy, verifyPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { ACCOUNT_EXISTS_EMAILS, SIGN_UPS_PER_CLIENT } from './sign-up-limits.js'
import { clearSignInFailures, releaseSignInSlot, takeSignInSlot } from './throttle.js'
import { consumeToken, issueToken, revokeTokens } from './tokens.js'
import { mustUseTwoFactor, verifySecondFactor } from './two-factor.service.js'
import { findUserByEmail, findUserById, insertUser, updateUser } from './users.repository.js'

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60_000

export type SignUpResult =
  | { ok: true; email: string }
  | { ok: false; errors: FieldErrors }
  /** The client address has had its sign-ups for the hour; nothing was done. */
  | { ok: false; retryAfterSeconds: number }

/**
 * Creates a customer account and emails a link to confirm the address. When
 * the address already has an account, its owner is emailed instead (once an
 * hour at most), and the answer is the same: nobody can learn from sign-up
 * which addresses are registered. The password is hashed either way, so both
 * take as long. A client address has SIGN_UPS_PER_CLIENT tries an hour,
 * counted after the input is found valid and before the hashing, so a refusal
 * costs no hash and writes nothing.
 */
export async function signUp(db: Db, input: unknown, ctx: RequestContext): Promise<SignUpResult> {
  const checked = validate(signUpInput, input)
  if (!checked.ok) return checked
  const { name, email, password } = checked.value
  // Its own transaction: sharing the one below would hold the write lock through the hashing.
  const slot = await takeSlot(db, SIGN_UPS_PER_CLIENT, clientKey(ctx.ip))
  if (!slot.allowed) return { ok: false, retryAfterSeconds: slot.retryAfterSeconds }

  try {
    const passwordHash = await hashPassword(password, ctx.scrypt)
    await db.transaction().execute(async (trx) => {
      const shop = await getShopSettings(trx)
      const existing = await findUserByEmail(trx, email)
      if (existing) {
        const notice: EmailRequest = {
          template: 'account-exists',
          to: email,
          subject: `You already have an account at ${shop.shopName}`,
          data: { name: existing.name },
          shop,
          baseUrl: ctx.baseUrl,
        }
        const emailed = (await takeSlot(trx, ACCOUNT_EXISTS_EMAILS, email)).allowed
        // Rendered all the same when it is not sent, so that both take as long.
        if (emailed) await enqueueEmail(trx, notice)
        else renderEmail(notice)
        await audit(trx, {
          action: 'sign_up_existing_email',
          subjectUserId: existing.id,
          ip: ctx.ip,
          details: { emailed },
        })
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
  } catch (err) {
    // Nothing was done (too many passwords being hashed, a failing database): the try does not count.
    await giveSlotBack(db, slot.hit).catch(() => undefined)
    throw err
  }
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
    // Orders placed as a guest with this address are theirs: they have just proven it is.
    await claimGuestOrders(trx, user.id, user.email)
    return { ...user, email_verified_at: user.email_verified_at ?? now }
  })
}

export type SignInResult =
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'throttled'; retryAfterSeconds: number }
  /** Too many passwords are being checked in this process at this moment; nothing was checked. */
  | { kind: 'busy'; retryAfterSeconds: number }
  | { kind: 'failed' }
  | { kind: 'disabled' }
  | { kind: 'signed-in'; user: User; remember: boolean }
  /** The password was right; a code from the user's authenticator app (or a recovery code) comes next. */
  | { kind: 'second-factor'; user: User; remember: boolean }

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

  // Refused before anything is written when no password could be checked anyway.
  if (hashingLimit.full) return { kind: 'busy', retryAfterSeconds: hashingLimit.retryAfterSeconds }
  const device = ctx.trustedDevice?.(email) ?? null
  const throttle = await takeSignInSlot(db, { email, ip: ctx.ip, device })
  if (!throttle.allowed) {
    await audit(db, { action: 'sign_in_throttled', ip: ctx.ip, details: { email } })
    return { kind: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds }
  }

  const user = await findUserByEmail(db, email)
  let verification: Awaited<ReturnType<typeof verifyPassword>> | null = null
  try {
    if (user) verification = await verifyPassword(password, user.password_hash, ctx.scrypt)
    else await verifyAgainstDecoy(password, ctx.scrypt)
  } catch (err) {
    await releaseSignInSlot(db, throttle.slot)
    if (err instanceof BusyError) return { kind: 'busy', retryAfterSeconds: err.retryAfterSeconds }
    throw err
  }
  if (!user || !verification?.ok) {
    // The slot taken stays behind as the failure.
    await audit(db, { action: 'sign_in_failed', subjectUserId: user?.id ?? null, ip: ctx.ip, details: { email } })
    return { kind: 'failed' }
  }
  await releaseSignInSlot(db, throttle.slot)
  if (user.disabled_at) {
    await audit(db, { action: 'sign_in_failed', subjectUserId: user.id, ip: ctx.ip, details: { reason: 'disabled' } })
    return { kind: 'disabled' }
  }

  if (verification.needsRehash) {
    await updateUser(db, user.id, { password_hash: await hashPassword(password, ctx.scrypt), updated_at: nowIso() })
  }
  if (user.totp_enabled_at) return { kind: 'second-factor', user, remember }
  await recordSignIn(db, user, ctx, { remember, method: 'password', device })
  return { kind: 'signed-in', user, remember }
}

export type SecondStepResult =
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'failed' }
  | { kind: 'signed-in'; user: User }

/** The second step of a sign-in, for the user whose password was right a moment ago. */
export async function signInSecondStep(
  db: Db,
  userId: number,
  input: unknown,
  ctx: RequestContext,
  remember: boolean,
): Promise<SecondStepResult> {
  const user = await findUserById(db, userId)
  if (!user || user.disabled_at || !user.totp_enabled_at) return { kind: 'failed' }
  const device = ctx.trustedDevice?.(user.email) ?? null
  const throttle = await takeSignInSlot(db, { email: user.email, ip: ctx.ip, device })
  if (!throttle.allowed) return { kind: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds }
  const result = await verifySecondFactor(db, user, input, ctx).catch(async (err: unknown) => {
    await releaseSignInSlot(db, throttle.slot)
    throw err
  })
  if (!result.ok) {
    if (result.errors.code === undefined) {
      await releaseSignInSlot(db, throttle.slot)
      return { kind: 'invalid', errors: result.errors }
    }
    await audit(db, {
      action: 'sign_in_failed',
      subjectUserId: user.id,
      ip: ctx.ip,
      details: { step: 'second factor' },
    })
    return { kind: 'failed' }
  }
  await releaseSignInSlot(db, throttle.slot)
  await recordSignIn(db, user, ctx, { remember, method: result.method, device })
  return { kind: 'signed-in', user }
}

/**
 * What every completed sign-in leaves behind: failures forgotten, the time
 * noted, an audit entry and, for staff and owners, an email telling them of
 * it, so a stolen staff login cannot go unnoticed.
 */
async function recordSignIn(
  db: Db,
  user: User,
  ctx: RequestContext,
  { device, ...details }: { remember: boolean; method: 'password' | 'totp' | 'recovery_code'; device: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = nowIso()
    // A trusted device forgets only its own failures: the guesses of others at the account still count against them.
    await clearSignInFailures(trx, device ? { device } : { email: user.email })
    await updateUser(trx, user.id, { last_sign_in_at: now })
    await audit(trx, { action: 'sign_in', actorUserId: user.id, ip: ctx.ip, details })
    if (mustUseTwoFactor(user)) {
      const shop = await getShopSettings(trx)
      await enqueueEmail(trx, {
        template: 'new-sign-in',
        to: user.email,
        subject: `New sign-in to the ${shop.shopName} back office`,
        data: { name: user.name, at: now, ip: ctx.ip, device: describeUserAgent(ctx.userAgent ?? '') },
        shop,
        baseUrl: ctx.baseUrl,
      })
    }
  })
}

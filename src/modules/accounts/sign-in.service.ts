import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { type Invalid, invalid, type Refused, refused } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { describeUserAgent } from '../../lib/user-agent.js'
import type { FieldErrors, Validated } from '../../lib/validation.js'
import { BusyError } from '../../lib/work-limit.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { SecondFactorInput, SignInInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { hashingLimit, hashPassword, verifyAgainstDecoy, verifyPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { clearSignInFailures, describeWait, releaseSignInSlot, takeSignInSlot } from './throttle.js'
import { mustUseTwoFactor, verifySecondFactor } from './two-factor.service.js'
import { findUserByEmail, findUserById, updateUser } from './users.repository.js'

const FAILED = 'The email address or password is not right'
const CLOSED = 'This account has been closed by the shop. Contact us if you think that is a mistake'
const STAFF_ON_API =
  'Staff accounts do not sign in to the API: sign in to the back office in a browser, and give outside services an API key'

/** Asked to wait: too many tries (429) or too many passwords being checked at once (503). */
export type Wait = WaitOf<'throttled'> | WaitOf<'busy'>
type WaitOf<K> = { kind: K; retryAfterSeconds: number; errors: FieldErrors }

export type SignInResult =
  /** A wrong address or password (the same words for both), or a closed account. */
  | Invalid
  /** A staff account signing in through the API (the password was right). */
  | Refused
  | Wait
  | { kind: 'signed-in'; user: User; remember: boolean }
  /** The password was right; a code from the user's authenticator app (or a recovery code) comes next. */
  | { kind: 'second-factor'; user: User; remember: boolean }

/** Where a sign-in lands when no page asked for it: staff and owners sign in to work in the back office. */
export function landingPath(user: Pick<User, 'role'>): string {
  return user.role === 'customer' ? '/account' : '/admin'
}

/**
 * Checks an email and password. Every failure looks the same from outside —
 * same words, same status, about the same time (a decoy hash is checked for
 * an unknown address) — and counts towards throttling that address and the
 * client's. A correct password on an old hash stores a hash at today's cost.
 */
export async function signIn(db: Db, input: SignInInput, ctx: RequestContext): Promise<SignInResult> {
  const { email, password, remember } = input
  // Refused before anything is written when no password could be checked anyway.
  if (hashingLimit.full) return busy(hashingLimit.retryAfterSeconds)
  const device = ctx.trustedDevice?.(email) ?? null
  const throttle = await takeSignInSlot(db, { email, ip: ctx.ip, device })
  if (!throttle.allowed) {
    await audit(db, { action: 'sign_in_throttled', ip: ctx.ip, details: { email } })
    return throttled(throttle.retryAfterSeconds, 'email', 'Too many attempts to sign in')
  }

  const user = await findUserByEmail(db, email)
  let verification: Awaited<ReturnType<typeof verifyPassword>> | null = null
  try {
    if (user) verification = await verifyPassword(password, user.password_hash, ctx.scrypt)
    else await verifyAgainstDecoy(password, ctx.scrypt)
  } catch (err) {
    await releaseSignInSlot(db, throttle.slot)
    if (err instanceof BusyError) return busy(err.retryAfterSeconds)
    throw err
  }
  if (!user || !verification?.ok) {
    // The slot taken stays behind as the failure.
    await audit(db, { action: 'sign_in_failed', subjectUserId: user?.id ?? null, ip: ctx.ip, details: { email } })
    return invalid({ email: FAILED })
  }
  await releaseSignInSlot(db, throttle.slot)
  if (user.disabled_at) {
    await audit(db, { action: 'sign_in_failed', subjectUserId: user.id, ip: ctx.ip, details: { reason: 'disabled' } })
    return invalid({ email: CLOSED })
  }
  // An app's token opens a customer's account only: staff sign in where two-factor and the back office's guards are.
  if (ctx.via === 'api' && user.role !== 'customer') {
    await audit(db, {
      action: 'sign_in_failed',
      subjectUserId: user.id,
      ip: ctx.ip,
      details: { reason: 'staff account on the API' },
    })
    return refused(STAFF_ON_API)
  }

  if (verification.needsRehash) {
    await updateUser(db, user.id, { password_hash: await hashPassword(password, ctx.scrypt), updated_at: nowIso() })
  }
  if (user.totp_enabled_at) return { kind: 'second-factor', user, remember }
  await recordSignIn(db, user, ctx, { remember, method: 'password', device })
  return { kind: 'signed-in', user, remember }
}

/** A sign-in waiting for its second step: who, whether to remember them, and where they go after. */
export interface PendingSignIn {
  userId: number
  remember: boolean
  next: string
}

export type SecondStepResult =
  | Invalid
  | Refused
  | Wait
  | { kind: 'signed-in'; user: User; remember: boolean; next: string }

/**
 * The second step of a sign-in, for the user whose password was right a
 * moment ago (`pending`, null once that moment has passed). The form is
 * judged after the throttle, so that an empty or malformed code counts as
 * a try like a wrong one: it takes the edge's verdict, not only a code.
 */
export async function signInSecondStep(
  db: Db,
  pending: PendingSignIn | null,
  form: Validated<SecondFactorInput>,
  ctx: RequestContext,
): Promise<SecondStepResult> {
  if (!pending) return refused('That took too long. Please sign in again.')
  const user = await findUserById(db, pending.userId)
  if (!user || user.disabled_at || !user.totp_enabled_at) return notRight()
  const device = ctx.trustedDevice?.(user.email) ?? null
  const throttle = await takeSignInSlot(db, { email: user.email, ip: ctx.ip, device })
  if (!throttle.allowed) return throttled(throttle.retryAfterSeconds, 'code', 'Too many attempts')
  // Only a form that is not a form at all (no fields) is not a try.
  if (!form.ok && form.errors.code === undefined) {
    await releaseSignInSlot(db, throttle.slot)
    return invalid(form.errors)
  }
  const method = form.ok
    ? await verifySecondFactor(db, user, form.value.code, ctx).catch(async (err: unknown) => {
        await releaseSignInSlot(db, throttle.slot)
        throw err
      })
    : null
  if (!method) {
    await audit(db, {
      action: 'sign_in_failed',
      subjectUserId: user.id,
      ip: ctx.ip,
      details: { step: 'second factor' },
    })
    return notRight()
  }
  await releaseSignInSlot(db, throttle.slot)
  await recordSignIn(db, user, ctx, { remember: pending.remember, method, device })
  return { kind: 'signed-in', user, remember: pending.remember, next: pending.next }
}

/** Signing out leaves an entry in the audit log for a signed-in user; the session itself is the caller's. */
export async function signOut(db: Db, user: Pick<User, 'id'> | null, ctx: RequestContext): Promise<void> {
  if (user) await audit(db, { action: 'sign_out', actorUserId: user.id, ip: ctx.ip, ...via(ctx) })
}

/** An entry's `via` detail: what came through the API says so in the audit log. */
function via(ctx: RequestContext): { details?: { via: 'api' } } {
  return ctx.via ? { details: { via: ctx.via } } : {}
}

function notRight(): Invalid {
  return invalid({ code: 'That code is not right' })
}

function busy(retryAfterSeconds: number): Wait {
  const message = `Too many people are signing in at this moment. Wait ${describeWait(retryAfterSeconds)}, then try again`
  return { kind: 'busy', retryAfterSeconds, errors: { email: message } }
}

function throttled(retryAfterSeconds: number, field: string, what: string): Wait {
  const message = `${what}. Wait ${describeWait(retryAfterSeconds)}, then try again`
  return { kind: 'throttled', retryAfterSeconds, errors: { [field]: message } }
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
    await audit(trx, {
      action: 'sign_in',
      actorUserId: user.id,
      ip: ctx.ip,
      details: { ...details, ...(ctx.via ? { via: ctx.via } : {}) },
    })
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

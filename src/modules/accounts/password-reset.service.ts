import { setTimeout as sleep } from 'node:timers/promises'
import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { type Gone, gone, type Invalid, invalid } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { Validated } from '../../lib/validation.js'
import { revokeCustomerTokens } from '../api-access/api-access.service.js'
import { type EmailRequest, enqueueEmail, renderEmail } from '../mail/mail.service.js'
import { deleteUserSessions } from '../sessions/session.repository.js'
import { getShopSettings, type ShopSettings } from '../settings/settings.service.js'
import { audit } from './audit.js'
import { hashPassword } from './password.js'
import type { ForgotPasswordInput, ResetPasswordInput } from './password-reset.forms.js'
import { countTokensIssuedSince } from './password-reset.repository.js'
import type { RequestContext } from './request-context.js'
import { clearSignInFailures } from './throttle.js'
import { consumeToken, issueToken, peekToken, revokeTokens } from './tokens.js'
import { findUserByEmail, findUserById, updateUser } from './users.repository.js'

export const RESET_PASSWORD_TTL_MS = 60 * 60_000
/** Reset emails one address can be sent in RESET_WINDOW_MS; more would let anybody flood a mailbox. */
export const RESET_EMAILS_PER_WINDOW = 3
const RESET_WINDOW_MS = 60 * 60_000
/**
 * Sending writes a few rows more than refusing (about a millisecond); every
 * answer waits until this much time has passed, so that difference cannot be
 * timed either.
 */
const ANSWER_FLOOR_MS = 50

export type ForgotPasswordResult = { kind: 'sent'; email: string }

/**
 * Emails a single-use link to choose a new password. The answer is the same
 * for an address with an account, one without, a closed account and one that
 * has had enough emails this hour, and so is the time it takes: the email is
 * rendered every time and only its sending differs.
 */
export async function requestPasswordReset(
  db: Db,
  input: ForgotPasswordInput,
  ctx: RequestContext,
): Promise<ForgotPasswordResult> {
  const { email } = input
  const answerAt = Date.now() + ANSWER_FLOOR_MS

  await db.transaction().execute(async (trx) => {
    const shop = await getShopSettings(trx)
    const user = await findUserByEmail(trx, email)
    const since = new Date(Date.now() - RESET_WINDOW_MS).toISOString()
    // No account has id 0: the count is still made, so an unknown address costs the same queries.
    const recent = await countTokensIssuedSince(trx, user?.id ?? 0, 'reset_password', since)
    const refusal = refusalOf(user, recent)

    if (!user || refusal) {
      // Rendered and logged all the same, so that refusing takes as long as sending.
      renderEmail(resetEmail(shop, ctx, { email, name: user?.name ?? email }, 'not-sent'))
      await audit(trx, {
        action: 'password_reset_requested',
        subjectUserId: user?.id ?? null,
        ip: ctx.ip,
        details: { sent: false, reason: refusal, ...(user ? {} : { email }) },
      })
      return
    }

    await revokeTokens(trx, user.id, 'reset_password')
    const token = await issueToken(trx, {
      userId: user.id,
      purpose: 'reset_password',
      ttlMs: RESET_PASSWORD_TTL_MS,
      data: { email: user.email },
    })
    await enqueueEmail(trx, resetEmail(shop, ctx, user, token))
    await audit(trx, {
      action: 'password_reset_requested',
      subjectUserId: user.id,
      ip: ctx.ip,
      details: { sent: true },
    })
  })
  await sleep(Math.max(0, answerAt - Date.now()))
  return { kind: 'sent', email }
}

function refusalOf(user: User | undefined, recent: number): 'unknown' | 'disabled' | 'limit' | null {
  if (!user) return 'unknown'
  if (user.disabled_at) return 'disabled'
  return recent >= RESET_EMAILS_PER_WINDOW ? 'limit' : null
}

function resetEmail(
  shop: ShopSettings,
  ctx: Pick<RequestContext, 'baseUrl'>,
  user: Pick<User, 'email' | 'name'>,
  token: string,
): EmailRequest {
  return {
    template: 'reset-password',
    to: user.email,
    subject: `Choose a new password for ${shop.shopName}`,
    data: {
      name: user.name,
      link: `${ctx.baseUrl}/reset-password?token=${encodeURIComponent(token)}`,
      minutes: RESET_PASSWORD_TTL_MS / 60_000,
    },
    shop,
    baseUrl: ctx.baseUrl,
  }
}

export type ResetPasswordResult = { kind: 'reset'; user: User } | Invalid | Gone

/**
 * Sets a new password with a link from requestPasswordReset. The link is used
 * up in one statement, so it works once even when two requests race. Every
 * session of the account ends — whoever knew the old password is signed out
 * — and the address counts as confirmed, since its owner just read our email.
 */
export async function resetPassword(
  db: Db,
  token: string,
  form: Validated<ResetPasswordInput>,
  ctx: RequestContext,
): Promise<ResetPasswordResult> {
  // A dead link is told apart first (so this takes the edge's verdict on the form, not only a password):
  // asking for a better password on it would waste the person's time.
  if (!token || !(await peekToken(db, 'reset_password', token))) return gone
  if (!form.ok) return invalid(form.errors)
  const passwordHash = await hashPassword(form.value.password, ctx.scrypt)

  return db.transaction().execute(async (trx): Promise<ResetPasswordResult> => {
    const used = await consumeToken(trx, 'reset_password', token)
    if (!used?.user_id) return gone
    const user = await findUserById(trx, used.user_id)
    const address = used.data ? (JSON.parse(used.data) as { email?: string }).email : undefined
    // A link sent to an address the account has since left, or for a closed account, opens nothing.
    if (!user || user.disabled_at || address !== user.email) return gone

    const now = nowIso()
    await updateUser(trx, user.id, {
      password_hash: passwordHash,
      updated_at: now,
      ...(user.email_verified_at ? {} : { email_verified_at: now }),
    })
    if (!user.email_verified_at) await audit(trx, { action: 'email_verified', actorUserId: user.id, ip: ctx.ip })
    await revokeTokens(trx, user.id, 'reset_password')
    const ended = await deleteUserSessions(trx, user.id)
    const appsSignedOut = await revokeCustomerTokens(trx, user.id)
    await clearSignInFailures(trx, { email: user.email })
    await audit(trx, {
      action: 'password_reset',
      actorUserId: user.id,
      ip: ctx.ip,
      details: { sessionsEnded: ended, appsSignedOut },
    })
    return {
      kind: 'reset',
      user: { ...user, password_hash: passwordHash, email_verified_at: user.email_verified_at ?? now },
    }
  })
}

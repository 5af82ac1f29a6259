import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { gone } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { type EmailRequest, enqueueEmail, renderEmail } from '../mail/mail.service.js'
import { claimGuestOrders } from '../orders/orders.repository.js'
import { clientKey, giveSlotBack, takeSlot } from '../rate-limits/rate-limits.service.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { SignUpInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { hashPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { ACCOUNT_EXISTS_EMAILS, SIGN_UPS_PER_CLIENT } from './sign-up-limits.js'
import { describeWait } from './throttle.js'
import { issueToken, type LinkFollowed, revokeTokens, spendLink } from './tokens.js'
import { findUserByEmail, findUserById, insertUser, updateUser } from './users.repository.js'

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60_000

export type SignUpResult =
  | { kind: 'signed-up'; email: string }
  /** The client address has had its sign-ups for the hour; nothing was done. */
  | { kind: 'throttled'; retryAfterSeconds: number; refusal: { title: string; message: string } }

/**
 * Creates a customer account and emails a link to confirm the address. When
 * the address already has an account, its owner is emailed instead (once an
 * hour at most), and the answer is the same: nobody can learn from sign-up
 * which addresses are registered. The password is hashed either way, so both
 * take as long. A client address has SIGN_UPS_PER_CLIENT tries an hour,
 * counted after the input is found valid and before the hashing, so a refusal
 * costs no hash and writes nothing.
 */
export async function signUp(db: Db, input: SignUpInput, ctx: RequestContext): Promise<SignUpResult> {
  const { name, email, password } = input
  // Its own transaction: sharing the one below would hold the write lock through the hashing.
  const slot = await takeSlot(db, SIGN_UPS_PER_CLIENT, clientKey(ctx.ip))
  if (!slot.allowed) {
    const wait = describeWait(slot.retryAfterSeconds)
    return {
      kind: 'throttled',
      retryAfterSeconds: slot.retryAfterSeconds,
      refusal: {
        title: 'Please wait before you create another account',
        message: `There have been too many sign-ups from your internet connection in the past hour. Wait ${wait}, then try again.`,
      },
    }
  }

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
          details: { emailed, ...(ctx.via ? { via: ctx.via } : {}) },
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
      await audit(trx, {
        action: 'sign_up',
        actorUserId: user.id,
        ip: ctx.ip,
        ...(ctx.via ? { details: { via: ctx.via } } : {}),
      })
    })
  } catch (err) {
    // Nothing was done (too many passwords being hashed, a failing database): the try does not count.
    await giveSlotBack(db, slot.hit).catch(() => undefined)
    throw err
  }
  return { kind: 'signed-up', email }
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

/** A new link for an address not yet confirmed; a confirmed one needs none, and gets none. */
export async function resendVerification(
  db: Db,
  user: User,
  ctx: RequestContext,
): Promise<{ kind: 'sent'; email: string } | { kind: 'confirmed' }> {
  if (user.email_verified_at) return { kind: 'confirmed' }
  await db.transaction().execute((trx) => sendVerification(trx, user, ctx))
  return { kind: 'sent', email: user.email }
}

/**
 * Marks an address confirmed by the single-use link sent to it. A link for an
 * address the account no longer has confirms nothing.
 */
export async function verifyEmail(db: Db, token: string, ctx: RequestContext): Promise<LinkFollowed<'verified'>> {
  return spendLink(db, 'verify_email', token, async (trx, link) => {
    const user = link.user_id ? await findUserById(trx, link.user_id) : undefined
    const address = link.data ? (JSON.parse(link.data) as { email?: string }).email : undefined
    if (!user || address !== user.email) return gone
    const now = nowIso()
    if (!user.email_verified_at) {
      await updateUser(trx, user.id, { email_verified_at: now, updated_at: now })
      await audit(trx, { action: 'email_verified', actorUserId: user.id, ip: ctx.ip })
    }
    // Orders placed as a guest with this address are theirs: they have just proven it is.
    await claimGuestOrders(trx, user.id, user.email)
    return { kind: 'verified' as const, user: { ...user, email_verified_at: user.email_verified_at ?? now } }
  })
}

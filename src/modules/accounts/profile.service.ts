import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { describeUserAgent } from '../../lib/user-agent.js'
import { type Validated, validate } from '../../lib/validation.js'
import { listContactMessagesFrom } from '../contact/contact.repository.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { claimGuestOrders } from '../orders/orders.repository.js'
import { deleteUserSession, deleteUserSessions, findUserSessions } from '../sessions/session.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import { changeEmailInput, changeNameInput, changePasswordInput, confirmWithPasswordInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { listAuditForSubject } from './audit.repository.js'
import { hashPassword, verifyPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { consumeToken, issueToken, revokeTokens } from './tokens.js'
import { countUsersWithRole, deleteUser, findUserByEmail, findUserById, updateUser } from './users.repository.js'

export const CHANGE_EMAIL_TTL_MS = 24 * 60 * 60_000

const WRONG_PASSWORD = 'The password is not right'

export async function changeName(db: Db, user: User, input: unknown, ctx: RequestContext): Promise<Validated<string>> {
  const checked = validate(changeNameInput, input)
  if (!checked.ok) return checked
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { name: checked.value.name, updated_at: nowIso() })
    await audit(trx, { action: 'name_changed', actorUserId: user.id, ip: ctx.ip })
  })
  return { ok: true, value: checked.value.name }
}

/**
 * Needs the current password. Every other session of the user ends: a
 * password changed because it leaked must lock out whoever used it.
 */
export async function changePassword(
  db: Db,
  user: User,
  input: unknown,
  ctx: RequestContext & { sessionId: string },
): Promise<Validated<true>> {
  const checked = validate(changePasswordInput, input)
  if (!checked.ok) return checked
  if (!(await verifyPassword(checked.value.currentPassword, user.password_hash, ctx.scrypt)).ok) {
    return { ok: false, errors: { currentPassword: WRONG_PASSWORD } }
  }
  const hash = await hashPassword(checked.value.newPassword, ctx.scrypt)
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: hash, updated_at: nowIso() })
    await deleteUserSessions(trx, user.id, ctx.sessionId)
    await revokeTokens(trx, user.id, 'reset_password')
    await audit(trx, { action: 'password_changed', actorUserId: user.id, ip: ctx.ip })
  })
  return { ok: true, value: true }
}

/**
 * Needs the password. The new address gets a link to confirm it; the
 * account keeps the old address until then. An address that belongs to
 * another account is answered the same way, and its owner is not told.
 */
export async function requestEmailChange(
  db: Db,
  user: User,
  input: unknown,
  ctx: RequestContext,
): Promise<Validated<string>> {
  const checked = validate(changeEmailInput, input)
  if (!checked.ok) return checked
  const { email, password } = checked.value
  if (!(await verifyPassword(password, user.password_hash, ctx.scrypt)).ok) {
    return { ok: false, errors: { password: WRONG_PASSWORD } }
  }
  if (email === user.email) return { ok: false, errors: { email: 'This is already your email address' } }
  await db.transaction().execute(async (trx) => {
    await audit(trx, { action: 'email_change_requested', actorUserId: user.id, ip: ctx.ip })
    if (await findUserByEmail(trx, email)) return
    await revokeTokens(trx, user.id, 'change_email')
    const token = await issueToken(trx, {
      userId: user.id,
      purpose: 'change_email',
      ttlMs: CHANGE_EMAIL_TTL_MS,
      data: { email },
    })
    const shop = await getShopSettings(trx)
    await enqueueEmail(trx, {
      template: 'confirm-new-email',
      to: email,
      subject: `Confirm your new email address for ${shop.shopName}`,
      data: {
        name: user.name,
        link: `${ctx.baseUrl}/confirm-email?token=${token}`,
        hours: CHANGE_EMAIL_TTL_MS / 3_600_000,
      },
      shop,
      baseUrl: ctx.baseUrl,
    })
  })
  return { ok: true, value: email }
}

/** Moves the account to the confirmed new address and tells the old one. */
export async function confirmEmailChange(db: Db, token: string, ctx: RequestContext): Promise<User | null> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, 'change_email', token)
    if (!used?.user_id || !used.data) return null
    const user = await findUserById(trx, used.user_id)
    const email = (JSON.parse(used.data) as { email?: string }).email
    if (!user || !email || (await findUserByEmail(trx, email))) return null
    const now = nowIso()
    await updateUser(trx, user.id, { email, email_verified_at: now, updated_at: now })
    await claimGuestOrders(trx, user.id, email)
    const shop = await getShopSettings(trx)
    await enqueueEmail(trx, {
      template: 'email-changed',
      to: user.email,
      subject: `Your email address at ${shop.shopName} was changed`,
      data: { name: user.name, newEmail: email },
      shop,
      baseUrl: ctx.baseUrl,
    })
    await audit(trx, {
      action: 'email_changed',
      actorUserId: user.id,
      ip: ctx.ip,
      details: { from: user.email, to: email },
    })
    return { ...user, email, email_verified_at: now }
  })
}

export interface SessionListing {
  id: string
  device: string
  ip: string
  signedInAt: string | null
  lastSeenAt: string | null
  current: boolean
}

export async function listSessions(db: Db, user: User, currentSessionId: string): Promise<SessionListing[]> {
  const rows = await findUserSessions(db, user.id, nowIso())
  return rows.map((row) => {
    const data = JSON.parse(row.data) as { device?: { userAgent?: string; ip?: string }; signedInAt?: string }
    return {
      id: row.id,
      device: describeUserAgent(data.device?.userAgent ?? ''),
      ip: data.device?.ip ?? '',
      signedInAt: data.signedInAt ?? null,
      lastSeenAt: row.last_seen_at,
      current: row.id === currentSessionId,
    }
  })
}

/** Signs one of the user's own sessions out; another user's session id ends nothing. */
export async function endSession(db: Db, user: User, sessionId: string, ctx: RequestContext): Promise<boolean> {
  const ended = await deleteUserSession(db, user.id, sessionId)
  if (ended) await audit(db, { action: 'session_ended', actorUserId: user.id, ip: ctx.ip })
  return ended
}

/** Everything the shop keeps about the user, as one JSON document. Never a hash or a secret. */
export async function exportAccountData(db: Db, user: User): Promise<Record<string, unknown>> {
  const [sessions, activity, messages] = await Promise.all([
    listSessions(db, user, ''),
    listAuditForSubject(db, user.id),
    listContactMessagesFrom(db, user.email),
  ])
  return {
    exportedAt: nowIso(),
    account: {
      name: user.name,
      email: user.email,
      emailConfirmedAt: user.email_verified_at,
      role: user.role,
      twoFactorEnabled: user.totp_enabled_at !== null,
      createdAt: user.created_at,
      lastSignInAt: user.last_sign_in_at,
    },
    sessions: sessions.map(({ id: _id, current: _current, ...rest }) => rest),
    activity,
    contactMessages: messages,
  }
}

/**
 * Needs the password. The account and everything tied to it go; the audit
 * log keeps that it happened. The shop's last owner cannot delete themself.
 */
export async function deleteAccount(db: Db, user: User, input: unknown, ctx: RequestContext): Promise<Validated<true>> {
  const checked = validate(confirmWithPasswordInput, input)
  if (!checked.ok) return checked
  if (!(await verifyPassword(checked.value.password, user.password_hash, ctx.scrypt)).ok) {
    return { ok: false, errors: { password: WRONG_PASSWORD } }
  }
  return db.transaction().execute(async (trx) => {
    if (user.role === 'owner' && (await countUsersWithRole(trx, 'owner')) <= 1) {
      return {
        ok: false as const,
        errors: {
          password: 'You are the shop’s only owner. Make someone else an owner before you delete your account',
        },
      }
    }
    await deleteUser(trx, user.id)
    await audit(trx, { action: 'account_deleted', subjectUserId: user.id, ip: ctx.ip })
    return { ok: true as const, value: true as const }
  })
}

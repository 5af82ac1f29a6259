import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'
import { gone, type Invalid, invalid, type Refused, refused } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { describeUserAgent } from '../../lib/user-agent.js'
import { listContactMessagesFrom } from '../contact/contact.repository.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { claimGuestOrders } from '../orders/orders.repository.js'
import { deleteUserSession, deleteUserSessions, findUserSessions } from '../sessions/session.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import {
  type ChangeEmailInput,
  type ChangeNameInput,
  type ChangePasswordInput,
  type ConfirmWithPasswordInput,
  SESSION_ALREADY_ENDED,
} from './accounts.forms.js'
import { audit } from './audit.js'
import { listAuditForSubject } from './audit.repository.js'
import { hashPassword, verifyPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { issueToken, type LinkFollowed, revokeTokens, spendLink } from './tokens.js'
import { countUsersWithRole, deleteUser, findUserByEmail, findUserById, updateUser } from './users.repository.js'

export const CHANGE_EMAIL_TTL_MS = 24 * 60 * 60_000

const WRONG_PASSWORD = 'The password is not right'

export async function changeName(
  db: Db,
  user: User,
  input: ChangeNameInput,
  ctx: RequestContext,
): Promise<{ kind: 'changed' }> {
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { name: input.name, updated_at: nowIso() })
    await audit(trx, { action: 'name_changed', actorUserId: user.id, ip: ctx.ip })
  })
  return { kind: 'changed' }
}

/**
 * Needs the current password. Every other session of the user ends: a
 * password changed because it leaked must lock out whoever used it.
 */
export async function changePassword(
  db: Db,
  user: User,
  input: ChangePasswordInput,
  ctx: RequestContext & { sessionId: string },
): Promise<{ kind: 'changed' } | Invalid> {
  if (!(await verifyPassword(input.currentPassword, user.password_hash, ctx.scrypt)).ok) {
    return invalid({ currentPassword: WRONG_PASSWORD })
  }
  const hash = await hashPassword(input.newPassword, ctx.scrypt)
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: hash, updated_at: nowIso() })
    await deleteUserSessions(trx, user.id, ctx.sessionId)
    await revokeTokens(trx, user.id, 'reset_password')
    await audit(trx, { action: 'password_changed', actorUserId: user.id, ip: ctx.ip })
  })
  return { kind: 'changed' }
}

/**
 * Needs the password. The new address gets a link to confirm it; the
 * account keeps the old address until then. An address that belongs to
 * another account is answered the same way, and its owner is not told.
 */
export async function requestEmailChange(
  db: Db,
  user: User,
  input: ChangeEmailInput,
  ctx: RequestContext,
): Promise<{ kind: 'requested'; email: string } | Invalid> {
  const { email, password } = input
  if (!(await verifyPassword(password, user.password_hash, ctx.scrypt)).ok) {
    return invalid({ password: WRONG_PASSWORD })
  }
  if (email === user.email) return invalid({ email: 'This is already your email address' })
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
  return { kind: 'requested', email }
}

/** Moves the account to the confirmed new address and tells the old one. */
export async function confirmEmailChange(
  db: Db,
  token: string,
  ctx: RequestContext,
): Promise<LinkFollowed<'confirmed'>> {
  return spendLink(db, 'change_email', token, async (trx, link) => {
    if (!link.user_id || !link.data) return gone
    const user = await findUserById(trx, link.user_id)
    const email = (JSON.parse(link.data) as { email?: string }).email
    if (!user || !email || (await findUserByEmail(trx, email))) return gone
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
    return { kind: 'confirmed' as const, user: { ...user, email, email_verified_at: now } }
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

/** /account/sessions: the user's live sessions, the one in use marked, times as the table shows them. */
export async function sessionsPage(db: Db, user: User, currentSessionId: string) {
  const sessions = await listSessions(db, user, currentSessionId)
  return {
    sessions: sessions.map((session) =>
      withFields(session, { signedIn: shownTime(session.signedInAt), lastSeen: shownTime(session.lastSeenAt) }),
    ),
  }
}

/** A stored UTC time as the page shows it, to the minute, with the machine-readable one for <time>. */
function shownTime(iso: string | null): { iso: string; text: string } | null {
  return iso ? { iso, text: iso.slice(0, 16).replace('T', ' ') } : null
}

/**
 * Signs one of the user's own sessions out; another user's session id, or
 * one already ended, ends nothing. `current` says it was the one in use.
 */
export async function endSession(
  db: Db,
  user: User,
  sessionId: string,
  currentSessionId: string,
  ctx: RequestContext,
): Promise<{ kind: 'ended'; current: boolean } | Refused> {
  if (!(await deleteUserSession(db, user.id, sessionId))) return refused(SESSION_ALREADY_ENDED)
  await audit(db, { action: 'session_ended', actorUserId: user.id, ip: ctx.ip })
  return { kind: 'ended', current: sessionId === currentSessionId }
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
export async function deleteAccount(
  db: Db,
  user: User,
  input: ConfirmWithPasswordInput,
  ctx: RequestContext,
): Promise<{ kind: 'deleted' } | Invalid> {
  if (!(await verifyPassword(input.password, user.password_hash, ctx.scrypt)).ok) {
    return invalid({ password: WRONG_PASSWORD })
  }
  return db.transaction().execute(async (trx) => {
    if (user.role === 'owner' && (await countUsersWithRole(trx, 'owner')) <= 1) {
      return invalid({
        password: 'You are the shop’s only owner. Make someone else an owner before you delete your account',
      })
    }
    await deleteUser(trx, user.id)
    await audit(trx, { action: 'account_deleted', subjectUserId: user.id, ip: ctx.ip })
    return { kind: 'deleted' as const }
  })
}

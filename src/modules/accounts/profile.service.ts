import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'
import { gone, type Invalid, invalid, type Refused, refused } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { describeUserAgent } from '../../lib/user-agent.js'
import { listCustomerTokens, revokeCustomerTokens } from '../api-access/api-access.service.js'
import { listContactMessagesFrom } from '../contact/contact.repository.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { claimGuestOrders } from '../orders/orders.repository.js'
import { deleteUserSession, deleteUserSessions, findUserSessions } from '../sessions/session.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import {
  APP_ALREADY_SIGNED_OUT,
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
 * Needs the current password. Every other session of the user ends, and
 * every app signed in through the API with it: a password changed because it
 * leaked must lock out whoever used it.
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
    await revokeCustomerTokens(trx, user.id)
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

/**
 * /account/sessions: the user's live sessions, the one in use marked, and
 * the apps signed in through the API (their live access tokens), times as
 * the tables show them.
 */
export async function sessionsPage(db: Db, user: User, currentSessionId: string) {
  const [sessions, apps] = await Promise.all([
    listSessions(db, user, currentSessionId),
    listCustomerTokens(db, user.id),
  ])
  return {
    sessions: sessions.map((session) =>
      withFields(session, { signedIn: shownTime(session.signedInAt), lastSeen: shownTime(session.lastSeenAt) }),
    ),
    apps: apps.map((app) => ({
      id: app.id,
      name: app.label,
      signedIn: shownTime(app.created_at),
      lastUsed: shownTime(app.last_used_at),
      expires: shownTime(app.expires_at),
    })),
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

/**
 * Signs out one of the user's own apps: its access token stops working at
 * once. Another user's token, or one already revoked or expired, ends nothing.
 */
export async function endAppSession(
  db: Db,
  user: User,
  tokenId: number,
  ctx: RequestContext,
): Promise<{ kind: 'ended' } | Refused> {
  if (tokenId === 0 || (await revokeCustomerTokens(db, user.id, tokenId)) === 0) return refused(APP_ALREADY_SIGNED_OUT)
  await audit(db, { action: 'session_ended', actorUserId: user.id, ip: ctx.ip, details: { app: true } })
  return { kind: 'ended' }
}

/** Everything the shop keeps about the user, as one JSON document. Never a hash or a secret. */
export async function exportAccountData(db: Db, user: User): Promise<Record<string, unknown>> {
  const [sessions, apps, activity, messages] = await Promise.all([
    listSessions(db, user, ''),
    listCustomerTokens(db, user.id),
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
    apps: apps.map((app) => ({
      name: app.label,
      signedInAt: app.created_at,
      lastUsedAt: app.last_used_at,
      expiresAt: app.expires_at,
    })),
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

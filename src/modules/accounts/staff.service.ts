import { z } from 'zod'
import { type Db, inTransaction } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { email, type FieldErrors, type Validated, validate } from '../../lib/validation.js'
import { logActivity } from '../activity/activity.service.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { deleteUserSessions } from '../sessions/session.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { AcceptInvitationInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { hashPassword } from './password.js'
import type { RequestContext } from './request-context.js'
import { consumeToken, issueToken, peekToken, selectOpenTokens } from './tokens.js'
import {
  countUsersWithRole,
  findUserByEmail,
  findUserById,
  insertUser,
  selectStaffMembers,
  updateUser,
} from './users.repository.js'

/** An invitation link works for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000

type StaffRole = 'staff' | 'owner'
const staffRole = z.enum(['staff', 'owner'], { error: 'Choose staff or owner' })

export const invitationInput = z.object({ email: email('their email address'), role: staffRole })
export const roleInput = z.object({ role: staffRole })

interface InvitationData {
  email: string
  role: StaffRole
}

/** The staff and owners, and the invitations still open. */
export async function staffPage(db: Db) {
  const [people, open] = await Promise.all([selectStaffMembers(db), selectOpenTokens(db, 'staff_invite')])
  const invitations = open.map((row) => ({
    ...(JSON.parse(row.data ?? '{}') as InvitationData),
    expires_at: row.expires_at,
  }))
  return { people, invitations }
}

export type InviteResult = { kind: 'invited' } | { kind: 'invalid'; errors: FieldErrors }

/** The owner invites someone by email: a link, good for a week, to make their own staff or owner account. */
export async function inviteStaff(
  db: Db,
  actor: { id: number },
  input: unknown,
  baseUrl: string,
): Promise<InviteResult> {
  const checked = validate(invitationInput, input)
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors }
  const { email: address, role } = checked.value
  return inTransaction(db, async (trx): Promise<InviteResult> => {
    if (await findUserByEmail(trx, address)) {
      return { kind: 'invalid', errors: { email: 'There is already an account with this address' } }
    }
    const token = await issueToken(trx, {
      userId: null,
      purpose: 'staff_invite',
      ttlMs: INVITATION_TTL_MS,
      data: { email: address, role },
    })
    const shop = await getShopSettings(trx)
    const inviter = await findUserById(trx, actor.id)
    await enqueueEmail(trx, {
      template: 'staff-invitation',
      to: address,
      subject: `${inviter?.name ?? 'The owner'} invites you to the back office of ${shop.shopName}`,
      data: {
        inviter: inviter?.name ?? 'The owner',
        role,
        link: `${baseUrl}/invitation?token=${token}`,
        days: INVITATION_TTL_MS / 86_400_000,
      },
      shop,
      baseUrl,
    })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'staff.invited',
      subject: { type: 'staff', id: null },
      summary: `Invited ${address} as ${role}`,
    })
    return { kind: 'invited' }
  })
}

/** The invitation a link carries, while it is open. */
export async function openInvitation(db: Db, token: string): Promise<InvitationData | null> {
  const row = token ? await peekToken(db, 'staff_invite', token) : undefined
  return row ? (JSON.parse(row.data ?? '{}') as InvitationData) : null
}

export type AcceptResult = { kind: 'joined'; user: User } | { kind: 'invalid'; errors: FieldErrors } | { kind: 'gone' }

/**
 * Accepting an invitation makes the account (the link proves the address)
 * and uses the link up; a mistake in the form does not. Two-factor sign-in is
 * set up before the back office opens, as for every member of staff. A dead
 * link is told apart before the form's mistakes, so this takes the edge's
 * verdict on the form.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  form: Validated<AcceptInvitationInput>,
  ctx: RequestContext,
): Promise<AcceptResult> {
  if (!(await openInvitation(db, token))) return { kind: 'gone' }
  if (!form.ok) return { kind: 'invalid', errors: form.errors }
  const passwordHash = await hashPassword(form.value.password, ctx.scrypt)
  return inTransaction(db, async (trx): Promise<AcceptResult> => {
    const used = await consumeToken(trx, 'staff_invite', token)
    if (!used) return { kind: 'gone' }
    const invitation = JSON.parse(used.data ?? '{}') as InvitationData
    if (await findUserByEmail(trx, invitation.email)) return { kind: 'gone' }
    const now = nowIso()
    const user = await insertUser(trx, {
      email: invitation.email,
      name: form.value.name,
      role: invitation.role,
      password_hash: passwordHash,
      email_verified_at: now,
      created_at: now,
      updated_at: now,
    })
    await audit(trx, { action: 'staff_joined', actorUserId: user.id, subjectUserId: user.id, ip: ctx.ip })
    return { kind: 'joined', user }
  })
}

export type StaffChangeResult = { kind: 'done' } | { kind: 'refused'; message: string } | { kind: 'missing' }

/**
 * Changes a member of staff's role, or removes them from the staff (their
 * account stays, as a customer's, and every session of theirs ends). Nobody
 * changes their own role or removes themselves, and the last owner stays one.
 */
export async function changeStaff(
  db: Db,
  actor: { id: number },
  userId: number,
  change: { role: StaffRole } | { remove: true },
): Promise<StaffChangeResult> {
  return inTransaction(db, async (trx): Promise<StaffChangeResult> => {
    const person = await findUserById(trx, userId)
    if (!person || person.role === 'customer') return { kind: 'missing' }
    if (person.id === actor.id)
      return { kind: 'refused', message: 'You cannot change your own role: another owner can.' }
    const role = 'remove' in change ? 'customer' : change.role
    if (role === person.role) return { kind: 'done' }
    if (person.role === 'owner' && (await countUsersWithRole(trx, 'owner')) <= 1) {
      return { kind: 'refused', message: 'The shop needs an owner: make someone else owner first.' }
    }
    await updateUser(trx, person.id, { role, updated_at: nowIso() })
    // Their sessions were opened with the old role's rights.
    await deleteUserSessions(trx, person.id)
    await audit(trx, { action: 'role_changed', actorUserId: actor.id, subjectUserId: person.id })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'remove' in change ? 'staff.removed' : 'staff.role_changed',
      subject: { type: 'staff', id: person.id },
      summary: 'remove' in change ? `Removed ${person.name} from the staff` : `Made ${person.name} ${role}`,
      changes: { role: [person.role, role] },
    })
    return { kind: 'done' }
  })
}

import { z } from 'zod'
import { type Db, inTransaction } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'
import { type Gone, type Invalid, invalid, type Missing, missing, type Refused, refused } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import { email, type FieldErrors, type Validated, } from '../../lib/validation.js'
import { logActivity } from '../activity/activity.service.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { deleteUserSessions } from '../sessions/session.repository.js'
import { utcDay } from '../settings/formats.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { AcceptInvitationInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { listAuditEntries } from './audit.repository.js'
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

/** A form sent back with its errors, shown again. */
type Sent = { values?: Record<string, string>; errors: FieldErrors }

/** The staff and owners as `viewer` sees them (they cannot change their own role), and the invitations still open. */
export async function staffPage(db: Db, viewer: { id: number }, sent?: Sent) {
  const [people, open] = await Promise.all([selectStaffMembers(db), selectOpenTokens(db, 'staff_invite')])
  return {
    kind: 'page' as const,
    title: 'Staff',
    people: people.map((person) =>
      withFields(person, { isViewer: person.id === viewer.id, twoFactor: person.totp_enabled_at ? 'on' : 'not yet' }),
    ),
    invitations: open.map((row) => ({
      ...(JSON.parse(row.data ?? '{}') as InvitationData),
      until: utcDay(row.expires_at),
    })),
    values: sent?.values ?? {},
    errors: sent?.errors ?? {},
  }
}

/** Asking before someone is removed from the staff. */
export async function staffRemovalPage(db: Db, userId: number) {
  const person = await findUserById(db, userId)
  if (!person || person.role === 'customer') return missing
  return {
    kind: 'page' as const,
    title: `Remove ${person.name}`,
    person: { id: person.id, name: person.name, email: person.email },
  }
}

export type InvitationFields = z.output<typeof invitationInput>

/** The owner invites someone by email: a link, good for a week, to make their own staff or owner account. */
export async function inviteStaff(
  db: Db,
  actor: { id: number },
  invitation: InvitationFields,
  baseUrl: string,
): Promise<{ kind: 'invited' } | Invalid> {
  const { email: address, role } = invitation
  return inTransaction(db, async (trx): Promise<{ kind: 'invited' } | Invalid> => {
    if (await findUserByEmail(trx, address)) {
      return invalid({ email: 'There is already an account with this address' })
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

export type AcceptResult = { kind: 'joined'; user: User } | Invalid | Gone

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

export type StaffChangeResult = { kind: 'done' } | Refused | Missing

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
    if (!person || person.role === 'customer') return missing
    if (person.id === actor.id) return refused('You cannot change your own role: another owner can.')
    const role = 'remove' in change ? 'customer' : change.role
    if (role === person.role) return { kind: 'done' }
    if (person.role === 'owner' && (await countUsersWithRole(trx, 'owner')) <= 1) {
      return refused('The shop needs an owner: make someone else owner first.')
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

/** Owners' view of the security log: the newest sign-ins, failures and account changes of everyone. */
export async function securityLogPage(db: Db) {
  const entries = await listAuditEntries(db, 200)
  return {
    kind: 'page' as const,
    title: 'Security log',
    entries: entries.map((entry) => withFields(entry, { what: entry.action.replace(/_/g, ' ') })),
  }
}

import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { insertAuditEntry } from './audit.repository.js'

export type AuditAction =
  | 'sign_up'
  | 'sign_up_existing_email'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'sign_out'
  | 'email_verified'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_changed'
  | 'email_change_requested'
  | 'email_changed'
  | 'name_changed'
  | 'role_changed'
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'recovery_code_used'
  | 'session_ended'
  | 'account_disabled'
  | 'account_deleted'
  | 'owner_created'
  | 'staff_joined'

/** Who did what to whom, when and from where. Never a password, token or code. */
export async function audit(
  db: Db,
  entry: {
    action: AuditAction
    actorUserId?: number | null
    subjectUserId?: number | null
    ip?: string | null
    details?: Record<string, unknown>
  },
): Promise<void> {
  await insertAuditEntry(db, {
    at: nowIso(),
    action: entry.action,
    actor_user_id: entry.actorUserId ?? null,
    subject_user_id: entry.subjectUserId ?? entry.actorUserId ?? null,
    ip: entry.ip ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  })
}

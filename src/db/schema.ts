import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * The whole database as Kysely sees it. Times are ISO-8601 strings in UTC
 * ('2026-11-30T16:42:29.123Z') so they sort as text and read the same on
 * SQLite and PostgreSQL.
 */
export interface Database {
  settings: SettingsTable
  sessions: SessionsTable
  contact_messages: ContactMessagesTable
  outbox_emails: OutboxEmailsTable
  users: UsersTable
  user_tokens: UserTokensTable
  recovery_codes: RecoveryCodesTable
  sign_in_failures: SignInFailuresTable
  audit_log: AuditLogTable
}

export interface SettingsTable {
  key: string
  /** JSON-encoded value, validated by the settings service on the way out. */
  value: string
  updated_at: string
}

export interface SessionsTable {
  id: string
  /** JSON of the session's data, as @fastify/session hands it to the store. */
  data: string
  expires_at: string
  updated_at: string
  /** The signed-in user, so their sessions can be listed and ended together. */
  user_id: number | null
  /** Refreshed at most every few minutes, so a page view rarely costs a write. */
  last_seen_at: string | null
}

export interface ContactMessagesTable {
  id: Generated<number>
  name: string
  email: string
  subject: string
  message: string
  created_at: string
}

export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed'

/** Every email the shop sends, written in the same transaction as the change that caused it. */
export interface OutboxEmailsTable {
  id: Generated<number>
  template: string
  to_address: string
  reply_to: string | null
  subject: string
  html: string
  text: string
  status: EmailStatus
  attempts: Generated<number>
  /** When the worker may next try to deliver it (after a failure: later, with exponential backoff). */
  next_attempt_at: string
  /** A worker that claimed it holds it until then; past it, another worker may take it over. */
  locked_until: string | null
  last_error: string | null
  /** 'smtp', or 'mailbox' when kept in the database for the development mailbox. */
  transport: string | null
  message_id: string | null
  created_at: string
  sent_at: string | null
}

export type Role = 'customer' | 'staff' | 'owner'

export interface UsersTable {
  id: Generated<number>
  /** Lower-cased; unique. */
  email: string
  name: string
  /** $scrypt$ln=…,r=…,p=…$salt$key — see modules/accounts/password.ts */
  password_hash: string
  role: Role
  email_verified_at: string | null
  disabled_at: string | null
  totp_secret: string | null
  totp_enabled_at: string | null
  /** The last TOTP time step used, so a code cannot be replayed. */
  totp_last_step: number | null
  last_sign_in_at: string | null
  created_at: string
  updated_at: string
}

export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email' | 'setup_owner'

export interface UserTokensTable {
  id: Generated<number>
  user_id: number | null
  purpose: TokenPurpose
  /** SHA-256 of the token in the link; the token itself is never stored. */
  token_hash: string
  /** JSON, e.g. the new address for change_email. */
  data: string | null
  expires_at: string
  used_at: string | null
  created_at: string
}

export interface RecoveryCodesTable {
  id: Generated<number>
  user_id: number
  code_hash: string
  used_at: string | null
}

export interface SignInFailuresTable {
  id: Generated<number>
  email: string
  ip: string
  at: string
}

export interface AuditLogTable {
  id: Generated<number>
  at: string
  action: string
  actor_user_id: number | null
  subject_user_id: number | null
  ip: string | null
  /** JSON of what changed; never a secret. */
  details: string | null
}

export type SettingRow = Selectable<SettingsTable>
export type SessionRow = Selectable<SessionsTable>
export type NewSession = Insertable<SessionsTable>
export type ContactMessage = Selectable<ContactMessagesTable>
export type NewContactMessage = Insertable<ContactMessagesTable>
export type ContactMessageUpdate = Updateable<ContactMessagesTable>
export type OutboxEmail = Selectable<OutboxEmailsTable>
export type NewOutboxEmail = Insertable<OutboxEmailsTable>
export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
export type UserToken = Selectable<UserTokensTable>
export type AuditEntry = Selectable<AuditLogTable>
export type NewAuditEntry = Insertable<AuditLogTable>

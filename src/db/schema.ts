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

export type SettingRow = Selectable<SettingsTable>
export type SessionRow = Selectable<SessionsTable>
export type NewSession = Insertable<SessionsTable>
export type ContactMessage = Selectable<ContactMessagesTable>
export type NewContactMessage = Insertable<ContactMessagesTable>
export type ContactMessageUpdate = Updateable<ContactMessagesTable>
export type OutboxEmail = Selectable<OutboxEmailsTable>
export type NewOutboxEmail = Insertable<OutboxEmailsTable>

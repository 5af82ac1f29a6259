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

export type SettingRow = Selectable<SettingsTable>
export type SessionRow = Selectable<SessionsTable>
export type NewSession = Insertable<SessionsTable>
export type ContactMessage = Selectable<ContactMessagesTable>
export type NewContactMessage = Insertable<ContactMessagesTable>
export type ContactMessageUpdate = Updateable<ContactMessagesTable>

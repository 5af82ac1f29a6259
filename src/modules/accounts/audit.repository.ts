import type { Db } from '../../db/connection.js'
import type { NewAuditEntry } from '../../db/schema.js'

export interface AuditListing {
  at: string
  action: string
  actor: string | null
  subject: string | null
  ip: string | null
}

/** The newest entries, with the people named by email (null when the account is gone). */
export async function listAuditEntries(db: Db, limit: number): Promise<AuditListing[]> {
  return db
    .selectFrom('audit_log')
    .leftJoin('users as actor', 'actor.id', 'audit_log.actor_user_id')
    .leftJoin('users as subject', 'subject.id', 'audit_log.subject_user_id')
    .select(['audit_log.at', 'audit_log.action', 'audit_log.ip', 'actor.email as actor', 'subject.email as subject'])
    .orderBy('audit_log.id', 'desc')
    .limit(limit)
    .execute()
}

export async function insertAuditEntry(db: Db, row: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(row).execute()
}

/** What happened to one account, oldest first, for their data export. */
export async function listAuditForSubject(db: Db, userId: number) {
  return db
    .selectFrom('audit_log')
    .select(['at', 'action', 'ip'])
    .where('subject_user_id', '=', userId)
    .orderBy('at')
    .execute()
}

import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { insertActivity } from './activity.repository.js'

export type Changes = Record<string, [unknown, unknown]>

/**
 * Writes down a change made in the back office: who, what, on what, and the
 * key fields before → after. Called inside the change's own transaction, so
 * the log never shows a change that did not happen, nor misses one that did.
 */
export async function logActivity(
  db: Db,
  entry: {
    /** Null when the change was finished by a job for a person no longer on the staff. */
    actorUserId: number | null
    action: string
    subject: { type: string; id: number | null }
    summary: string
    changes?: Changes
  },
): Promise<void> {
  await insertActivity(db, {
    at: nowIso(),
    actor_user_id: entry.actorUserId,
    action: entry.action,
    subject_type: entry.subject.type,
    subject_id: entry.subject.id,
    summary: entry.summary,
    changes: entry.changes && Object.keys(entry.changes).length ? JSON.stringify(entry.changes) : null,
  })
}

/** The changes of an entry as rows to show: field, before, after. */
export function changeRows(changes: string | null): { field: string; before: string; after: string }[] {
  if (!changes) return []
  try {
    return Object.entries(JSON.parse(changes) as Changes).map(([field, [before, after]]) => ({
      field,
      before: before === null || before === undefined ? '—' : String(before),
      after: after === null || after === undefined ? '—' : String(after),
    }))
  } catch {
    return []
  }
}

/** A staff member acting in the back office: whose name the activity log keeps. */
export interface Actor {
  id: number
}

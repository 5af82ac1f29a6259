import type { Db } from '../../db/connection.js'
import { keysetList } from '../../lib/keyset-list.js'
import { withFields } from '../../lib/objects.js'
import { nowIso } from '../../lib/time.js'
import type { Validated } from '../../lib/validation.js'
import { type ActivityFilter, activityFilterInput } from './activity.forms.js'
import { insertActivity, selectActivity, selectActivityActors } from './activity.repository.js'

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

/**
 * Owners' view of the log, newest first, filtered by who and on what: a
 * filter the query string got wrong is answered 422 with its message and no rows.
 */
export async function activityPage(db: Db, checked: Validated<ActivityFilter>) {
  const { items, page } = await keysetList(checked, {
    none: activityFilterInput.parse({}),
    path: '/admin/activity',
    kept: (filter) => ({ actor: filter.actor, subject: filter.subject }),
    fetch: (filter, rows) =>
      selectActivity(
        db,
        { actorUserId: filter.actor ? Number(filter.actor) : undefined, subjectType: filter.subject || undefined },
        rows,
      ),
  })
  const entries = items.map((row) =>
    withFields(row, {
      who: row.actor_name ?? 'someone since removed',
      changes: changeRows(row.changes).map((c) => withFields(c, { field: c.field.replace(/_/g, ' ') })),
    }),
  )
  return { kind: 'page' as const, title: 'Activity', ...page, entries, actors: await selectActivityActors(db) }
}

/** A staff member acting in the back office: whose name the activity log keeps. */
export interface Actor {
  id: number
}

/**
 * Whoever makes a change to an order: a staff member in the back office, or
 * an outside service through an API key. A key acts for the owner who made
 * it, so `id` is theirs (null once their account is gone) and `apiKey` the
 * key's name, which the log's summary and the order's timeline give.
 */
export interface ChangeActor {
  id: number | null
  apiKey?: string | undefined
}

/** How a change came, to end a log line with: nothing from the back office, the key's name from the API. */
export function throughKey(actor: ChangeActor): string {
  return actor.apiKey === undefined ? '' : `, through the API key “${actor.apiKey}”`
}

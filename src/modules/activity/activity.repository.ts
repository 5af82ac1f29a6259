import type { Insertable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { ActivityLogTable } from '../../db/schema.js'

export async function insertActivity(db: Db, entry: Insertable<ActivityLogTable>): Promise<void> {
  await db.insertInto('activity_log').values(entry).execute()
}

export interface ActivityFilter {
  actorUserId?: number
  /** An action, or a kind of subject ("order" matches order.paid, order.cancelled, …). */
  action?: string
  subjectType?: string
  subjectId?: number
}

/** Newest first, `limit` entries older than `beforeId` (keyset paging: as fast on page 1,000 as on page 1). */
export async function selectActivity(db: Db, filter: ActivityFilter, options: { beforeId?: number; limit: number }) {
  let query = db
    .selectFrom('activity_log')
    .leftJoin('users', 'users.id', 'activity_log.actor_user_id')
    .select([
      'activity_log.id',
      'activity_log.at',
      'activity_log.action',
      'activity_log.subject_type',
      'activity_log.subject_id',
      'activity_log.summary',
      'activity_log.changes',
      'users.name as actor_name',
      'users.email as actor_email',
    ])
  if (filter.actorUserId !== undefined) query = query.where('activity_log.actor_user_id', '=', filter.actorUserId)
  if (filter.action) query = query.where('activity_log.action', '=', filter.action)
  if (filter.subjectType) query = query.where('activity_log.subject_type', '=', filter.subjectType)
  if (filter.subjectId !== undefined) query = query.where('activity_log.subject_id', '=', filter.subjectId)
  if (options.beforeId !== undefined) query = query.where('activity_log.id', '<', options.beforeId)
  return query.orderBy('activity_log.id', 'desc').limit(options.limit).execute()
}

/** The staff who appear in the log, for the filter's choices. */
export async function selectActivityActors(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('role', 'in', ['staff', 'owner'])
    .orderBy('name')
    .execute()
}

import type { Db } from '../../db/connection.js'
import type { NewSession, SessionRow, User } from '../../db/schema.js'

export async function findLiveSession(db: Db, id: string, now: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst()
}

export async function saveSession(db: Db, row: NewSession): Promise<void> {
  await db
    .insertInto('sessions')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        data: eb.ref('excluded.data'),
        expires_at: eb.ref('excluded.expires_at'),
        updated_at: eb.ref('excluded.updated_at'),
        user_id: eb.ref('excluded.user_id'),
        last_seen_at: eb.ref('excluded.last_seen_at'),
      })),
    )
    .execute()
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute()
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** A user's live sessions, most recently seen first. */
export async function findUserSessions(db: Db, userId: number, now: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute()
}

/** Ends every session of a user, or every one but `keep`. */
export async function deleteUserSessions(db: Db, userId: number, keep?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keep) query = query.where('id', '!=', keep)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteUserSession(db: Db, userId: number, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function touchSession(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute()
}

/** The session's user and when the session was last seen, in one query (it runs on every signed-in request). */
export async function findSessionUser(
  db: Db,
  sessionId: string,
  userId: number,
): Promise<{ user: User; lastSeenAt: string | null } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select('sessions.last_seen_at as session_last_seen_at')
    .where('sessions.id', '=', sessionId)
    .where('users.id', '=', userId)
    .executeTakeFirst()
  if (!row) return undefined
  const { session_last_seen_at, ...user } = row
  return { user, lastSeenAt: session_last_seen_at }
}

import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { deleteExpiredSessions, deleteSession, findLiveSession, saveSession } from './session.repository.js'
import { fixedExpiry, signedInCookie } from './session-lifetime.js'

type Callback = (err?: unknown) => void
type SessionData = Session

/**
 * @fastify/session's store, kept in the database so sessions are shared by
 * every app process and survive a restart. An expired row reads as missing
 * and is removed by `sweep`.
 *
 * A signed-in session ends at the instant fixed at sign-in (see
 * session-lifetime.ts): its row expires then, and it is handed back with the
 * cookie that instant calls for, so the plugin's defaults (a 14-day cookie,
 * counted from now) never replace it on a later write.
 */
export class DatabaseSessionStore implements SessionStore {
  constructor(
    private readonly db: Db,
    private readonly maxAgeMs: number,
  ) {}

  get(id: string, callback: (err: unknown, result?: SessionData | null) => void): void {
    findLiveSession(this.db, id, nowIso()).then(
      (row) => callback(null, row ? restore(JSON.parse(row.data) as SessionData) : null),
      (err) => callback(err),
    )
  }

  set(id: string, session: SessionData, callback: Callback): void {
    const cookieExpires = session.cookie?.expires ? new Date(session.cookie.expires) : null
    const expires =
      fixedExpiry(session) ??
      (cookieExpires && !Number.isNaN(cookieExpires.getTime()) ? cookieExpires : new Date(Date.now() + this.maxAgeMs))
    const now = nowIso()
    saveSession(this.db, {
      id,
      data: JSON.stringify(session),
      expires_at: expires.toISOString(),
      updated_at: now,
      user_id: session.userId ?? null,
      last_seen_at: now,
    }).then(() => callback(), callback)
  }

  destroy(id: string, callback: Callback): void {
    deleteSession(this.db, id).then(() => callback(), callback)
  }

  /** Removes expired sessions; returns how many went. */
  sweep(): Promise<number> {
    return deleteExpiredSessions(this.db, nowIso())
  }
}

/**
 * A stored session as @fastify/session should rebuild it: a signed-in one past
 * its fixed end is gone, and one before it gets its own cookie back. The
 * plugin merges the stored cookie over its default options and keeps a
 * stored `originalMaxAge` as a maxAge counted from now, so both are cleared
 * here.
 */
function restore(session: SessionData): SessionData | null {
  const end = fixedExpiry(session)
  if (!end) return session
  if (end.getTime() <= Date.now()) return null
  const cookie = { ...session.cookie, originalMaxAge: null, ...signedInCookie(end, !!session.remember) }
  return { ...session, cookie } as SessionData
}

import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { deleteExpiredSessions, deleteSession, findLiveSession, saveSession } from './session.repository.js'

type Callback = (err?: unknown) => void
type SessionData = Session

/**
 * @fastify/session's store, kept in the database so sessions are shared by
 * every app process and survive a restart. An expired row reads as missing
 * and is removed by `sweep`.
 */
export class DatabaseSessionStore implements SessionStore {
  constructor(
    private readonly db: Db,
    private readonly maxAgeMs: number,
  ) {}

  get(id: string, callback: (err: unknown, result?: SessionData | null) => void): void {
    findLiveSession(this.db, id, nowIso()).then(
      (row) => callback(null, row ? (JSON.parse(row.data) as SessionData) : null),
      (err) => callback(err),
    )
  }

  set(id: string, session: SessionData, callback: Callback): void {
    const cookieExpires = session.cookie?.expires ? new Date(session.cookie.expires) : null
    const expires =
      cookieExpires && !Number.isNaN(cookieExpires.getTime()) ? cookieExpires : new Date(Date.now() + this.maxAgeMs)
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

import type { Db } from '../db/connection.js'

/** Moves what `key` (a client or an email address) did to `at`, so a limit's window can pass without waiting. */
export async function backdateRateLimitHits(db: Db, key: string, at: string): Promise<void> {
  await db.updateTable('rate_limit_hits').set({ at }).where('key', '=', key).execute()
}

import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import type { TokenPurpose, User, UserToken } from '../../db/schema.js'
import { type Gone, gone } from '../../lib/outcomes.js'

/** The link's token is 256 random bits; only its SHA-256 is stored, so a database leak opens no account. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function issueToken(
  db: Db,
  options: { userId: number | null; purpose: TokenPurpose; ttlMs: number; data?: unknown; now?: Date },
): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  const now = options.now ?? new Date()
  await db
    .insertInto('user_tokens')
    .values({
      user_id: options.userId,
      purpose: options.purpose,
      token_hash: hashToken(token),
      data: options.data === undefined ? null : JSON.stringify(options.data),
      expires_at: new Date(now.getTime() + options.ttlMs).toISOString(),
      created_at: now.toISOString(),
    })
    .execute()
  return token
}

/** A live token of this purpose, without using it up (to show a confirmation page). */
export async function peekToken(db: Db, purpose: TokenPurpose, token: string): Promise<UserToken | undefined> {
  return db
    .selectFrom('user_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst()
}

/**
 * What the page an emailed link opens shows: the token again, for the form
 * whose button uses the link up, and whether the link still works.
 */
export async function linkPage(
  db: Db,
  purpose: TokenPurpose,
  token: string,
): Promise<{ token: string; live: boolean }> {
  return { token, live: token !== '' && (await peekToken(db, purpose, token)) !== undefined }
}

/** Uses a token up in one statement: of two requests racing with the same link, only one gets it. */
export async function consumeToken(db: Db, purpose: TokenPurpose, token: string): Promise<UserToken | undefined> {
  const now = new Date().toISOString()
  return db
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst()
}

/** What following an emailed link did, and for whom; or the link was gone. */
export type LinkFollowed<K extends string> = { kind: K; user: User } | Gone

/**
 * Uses an emailed link up and does what it was sent for, in one transaction:
 * the link is spent even when `use` then finds it opens nothing. No token,
 * or one that is used, expired or not ours, is gone.
 */
export async function spendLink<R>(
  db: Db,
  purpose: TokenPurpose,
  token: string,
  use: (trx: Db, link: UserToken) => Promise<R | Gone>,
): Promise<R | Gone> {
  if (!token) return gone
  return db.transaction().execute(async (trx) => {
    const link = await consumeToken(trx, purpose, token)
    return link ? use(trx, link) : gone
  })
}

/** Earlier links of this purpose stop working when a new one is sent or the thing is done. */
export async function revokeTokens(db: Db, userId: number, purpose: TokenPurpose): Promise<void> {
  await db
    .updateTable('user_tokens')
    .set({ used_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute()
}

/** Links of this purpose that belong to nobody yet (the owner set-up link) stop working. */
export async function revokeUnownedTokens(db: Db, purpose: TokenPurpose): Promise<void> {
  await db
    .updateTable('user_tokens')
    .set({ used_at: new Date().toISOString() })
    .where('user_id', 'is', null)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute()
}

/** The links of a purpose still open (not used, not expired), newest first. */
export async function selectOpenTokens(db: Db, purpose: TokenPurpose) {
  return db
    .selectFrom('user_tokens')
    .select(['id', 'data', 'expires_at'])
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date().toISOString())
    .orderBy('id', 'desc')
    .execute()
}

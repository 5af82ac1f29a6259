import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import {
  deleteKey,
  deleteKeysBefore,
  insertKeyClaim,
  saveKeyAnswer,
  selectKey,
  takeOverKey,
} from './idempotency.repository.js'

/**
 * Idempotency keys (the IETF Idempotency-Key header): a request sent again
 * with the same key, after a timeout or a lost answer, gets the answer the
 * first one got instead of doing the work twice. The key, a hash of the
 * request and the answer live in `idempotency_keys`, so every process sees
 * them; one statement claims a key, so of requests sent at once exactly one
 * does the work.
 */

/** How long a key is kept: within this time the same key always gets the same answer. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000

/**
 * A key claimed this long ago and still unanswered was left by a process
 * that stopped mid-request: the next request with it does the work. Longer
 * than any request takes (a call to Stripe gives up after about 30 s), and
 * the work itself must be safe to redo (placing an order is: see placeOrder).
 */
export const ABANDONED_AFTER_MS = 2 * 60_000

const KEY_RULE = 'Send an Idempotency-Key header of 1 to 255 visible characters, a new one for each new order'

/** The header's value: 1–255 visible ASCII characters (a UUID is the usual choice). */
export const idempotencyKeyHeader = z
  .string({ error: KEY_RULE })
  .regex(/^[\x21-\x7e]{1,255}$/, KEY_RULE)
  .describe(
    'A key the client makes for this one order (a UUID, say) and sends again, unchanged, when it retries the request. ' +
      'The same key with the same body answers the same order (200, the first answer’s body) for 24 hours; ' +
      'with a different body it is 422; while the first request with it is still being answered, 409.',
  )

/** Whose keys: a key is unique per scope (a cart, an API key), so two clients' keys never meet. */
export interface IdempotentRequest {
  scope: string
  key: string
  /** What the request asks for; the same key with anything else is refused. */
  body: unknown
}

/** The work's answer, kept for the key. */
export type KeptAnswer<T> = { kind: 'answer'; status: number; body: T }

export type Idempotent<T> =
  | { kind: 'answered'; status: number; body: T; replayed: boolean }
  /** The key was used for a different request. */
  | { kind: 'key_reused' }
  /** The first request with the key is still being answered. */
  | { kind: 'key_in_progress' }

type Claim<T> = { kind: 'claimed'; id: number } | Exclude<Idempotent<T>, { replayed: false }>

/**
 * Runs `work` once per key: a request with a key already answered gets that
 * answer back (`replayed`). The key is kept only for an answer: when the
 * work refuses (sold out, a field to correct) or fails, nothing was done, so
 * the key is let go and the same request may be tried again.
 */
export async function withIdempotencyKey<T, F extends { kind: string }>(
  db: Db,
  request: IdempotentRequest,
  work: () => Promise<KeptAnswer<T> | F>,
  now = new Date(),
): Promise<Idempotent<T> | F> {
  const claim = await claimKey<T>(db, request, now)
  if (claim.kind !== 'claimed') return claim
  let result: KeptAnswer<T> | F
  try {
    result = await work()
  } catch (err) {
    // Not let go when the database fails too: the claim is then taken over once abandoned.
    await deleteKey(db, claim.id).catch(() => undefined)
    throw err
  }
  if (!isAnswer(result)) {
    await deleteKey(db, claim.id)
    return result
  }
  await saveKeyAnswer(db, claim.id, result.status, JSON.stringify(result.body))
  return { kind: 'answered', status: result.status, body: result.body, replayed: false }
}

function isAnswer<T>(result: KeptAnswer<T> | { kind: string }): result is KeptAnswer<T> {
  return result.kind === 'answer'
}

async function claimKey<T>(db: Db, request: IdempotentRequest, now: Date): Promise<Claim<T>> {
  const { scope, key } = request
  const hash = requestHash(request.body)
  const at = now.toISOString()
  // Each turn either settles, or finds the row gone (let go, or expired and removed) and claims again.
  for (let turn = 0; turn < 3; turn++) {
    const id = await insertKeyClaim(db, { scope, key, request_hash: hash, created_at: at })
    if (id !== undefined) return { kind: 'claimed', id }
    const row = await selectKey(db, scope, key)
    if (!row) continue
    const age = now.getTime() - Date.parse(row.created_at)
    if (age >= IDEMPOTENCY_KEY_TTL_MS) {
      await deleteKey(db, row.id, row.created_at)
      continue
    }
    if (row.request_hash !== hash) return { kind: 'key_reused' }
    if (row.status_code !== null && row.response !== null) {
      return { kind: 'answered', status: row.status_code, body: JSON.parse(row.response) as T, replayed: true }
    }
    if (age >= ABANDONED_AFTER_MS && (await takeOverKey(db, row.id, row.created_at, at))) {
      return { kind: 'claimed', id: row.id }
    }
    return { kind: 'key_in_progress' }
  }
  return { kind: 'key_in_progress' }
}

/** A hash of the request's body with its keys in order, so the same JSON written another way is the same request. */
function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(sorted(body)))
    .digest('hex')
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  )
}

/** Removes keys past their 24 hours (the order jobs run it); how many went. */
export function sweepIdempotencyKeys(db: Db, now = new Date()): Promise<number> {
  return deleteKeysBefore(db, new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS).toISOString())
}

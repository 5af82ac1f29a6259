import { isIPv6 } from 'node:net'
import { type Db, inTransaction } from '../../db/connection.js'
import {
  countHitsSince,
  deleteHit,
  deleteHitsBefore,
  hitTimeSince,
  insertHit,
  lockKey,
} from './rate-limits.repository.js'

/** At most `max` of one kind of action per key (a client address, an email address) in any `windowMs`. */
export interface RateLimit {
  /** Names the action; each limit has a bucket of its own. */
  bucket: string
  max: number
  /** At most KEEP_MS: older hits are cleared. */
  windowMs: number
}

/** Allowed: `hit` names the slot taken, for giveSlotBack. */
export type LimitVerdict = { allowed: true; hit: number } | { allowed: false; retryAfterSeconds: number }

export const HOUR_MS = 60 * 60_000

/** Hits older than this mean nothing to any limit; they are cleared as new ones are taken. */
const KEEP_MS = 24 * HOUR_MS

/**
 * Takes one of the limit's slots for this key, or says how long until one is
 * free. The count and the new row are one transaction (on SQLite it holds the
 * write lock from its start; on PostgreSQL the key is locked first), so
 * however many requests arrive together, in however many processes, at most
 * `max` are let through. Call it inside the transaction that does the limited
 * work, so a refusal writes nothing and a failure of the work gives the slot
 * back. Work that cannot share the transaction (it waits on something slow,
 * and the transaction would hold the write lock meanwhile) takes the slot
 * first and gives it back with giveSlotBack if it then fails.
 */
export function takeSlot(db: Db, limit: RateLimit, key: string, now = new Date()): Promise<LimitVerdict> {
  if (limit.windowMs > KEEP_MS)
    throw new Error(`A limit's window can be ${KEEP_MS} ms at most; ${limit.bucket}'s is longer`)
  return inTransaction(db, async (trx) => {
    await lockKey(trx, limit.bucket, key)
    const since = new Date(now.getTime() - limit.windowMs).toISOString()
    const count = await countHitsSince(trx, limit.bucket, key, since)
    if (count >= limit.max) {
      // A slot is free once enough of the hits in the window have left it that fewer than max remain.
      const freeing = await hitTimeSince(trx, limit.bucket, key, since, count - limit.max)
      const freeAt = (freeing ? Date.parse(freeing) : now.getTime()) + limit.windowMs
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) }
    }
    const hit = await insertHit(trx, { bucket: limit.bucket, key, at: now.toISOString() })
    await deleteHitsBefore(trx, new Date(now.getTime() - KEEP_MS).toISOString())
    return { allowed: true, hit }
  })
}

/** Frees a slot taken by takeSlot for work that then was not done, so the attempt does not count. */
export async function giveSlotBack(db: Db, hit: number): Promise<void> {
  await deleteHit(db, hit)
}

/**
 * The key a client address is counted under. An IPv6 subscriber is usually
 * given a whole /64 and can use any address in it, so an IPv6 address counts
 * by its first 64 bits; IPv4, and IPv4 written as IPv6, by the whole address.
 */
export function clientKey(ip: string): string {
  const address = ip.split('%', 1)[0] as string
  if (!isIPv6(address)) return ip
  const groups = expandIPv6(address)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address, "::" filled in and a dotted IPv4 end read as two groups. */
function expandIPv6(address: string): number[] {
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [Number.parseInt(g, 16)]
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number)
          return [(a << 8) | b, (c << 8) | d]
        })
  const [head = '', tail] = address.split('::')
  const first = parse(head)
  if (tail === undefined) return first
  const last = parse(tail)
  return [...first, ...Array<number>(8 - first.length - last.length).fill(0), ...last]
}

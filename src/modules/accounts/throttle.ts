import { type Db, inTransaction } from '../../db/connection.js'
import {
  deleteFailure,
  deleteFailuresBefore,
  deleteFailuresFor,
  type FailureScope,
  failuresSince,
  insertFailure,
} from './throttle.repository.js'

const WINDOW_MS = 15 * 60_000
/** Failures allowed in the window before each further try has to wait. */
export const FREE_PER_EMAIL = 5
/** An address may be shared by many people (an office, a phone network), so it gets more. */
export const FREE_PER_IP = 20
/** A device that signed in to the account before is throttled on its own, as strictly as the account. */
export const FREE_PER_DEVICE = 5
const MAX_WAIT_MS = 60 * 60_000
/** Failures older than this mean nothing any more; they are cleared as new attempts come. */
const KEEP_MS = 24 * 60 * 60_000

/** After the 5th failure in 15 minutes: 1 minute, then 2, 4, 8, … up to an hour. */
export function waitAfterFailures(failures: number, free: number): number {
  if (failures < free) return 0
  return Math.min(60_000 * 2 ** (failures - free), MAX_WAIT_MS)
}

/** One sign-in attempt: the address typed, the client's address, and the trusted device it came from, if any. */
export interface SignInAttempt {
  email: string
  ip: string
  /** The nonce of a device cookie signed for this email (see device-cookie.ts), else null. */
  device: string | null
}

export type ThrottleVerdict = { allowed: true; slot: number } | { allowed: false; retryAfterSeconds: number }

/**
 * Takes this attempt's slot before its password is checked: the failures are
 * counted and the attempt recorded as one in a single write transaction, so
 * however many attempts arrive together, in however many processes, at most
 * the free number are checked (the slot is given back with
 * `releaseSignInSlot` when the attempt proves not to be a wrong guess).
 *
 * An attempt from an unknown device counts against the email (whether or not
 * it has an account, so the answer says nothing about which addresses are
 * registered) and against the client's address. One from a device that
 * signed in to this account before counts against that device alone: guesses
 * from elsewhere never lock the account's owner out.
 */
export function takeSignInSlot(db: Db, attempt: SignInAttempt, now = new Date()): Promise<ThrottleVerdict> {
  return inTransaction(db, async (trx) => {
    const since = new Date(now.getTime() - WINDOW_MS).toISOString()
    const limits: Array<[FailureScope, number]> = attempt.device
      ? [[{ device: attempt.device }, FREE_PER_DEVICE]]
      : [
          [{ email: attempt.email }, FREE_PER_EMAIL],
          [{ ip: attempt.ip }, FREE_PER_IP],
        ]
    let retryAt = 0
    for (const [scope, free] of limits) {
      const failures = await failuresSince(trx, scope, since)
      if (failures.count >= free && failures.last) {
        retryAt = Math.max(retryAt, Date.parse(failures.last) + waitAfterFailures(failures.count, free))
      }
    }
    if (retryAt > now.getTime()) {
      return { allowed: false, retryAfterSeconds: Math.ceil((retryAt - now.getTime()) / 1000) }
    }
    const slot = await insertFailure(trx, { ...attempt, at: now.toISOString() })
    await deleteFailuresBefore(trx, new Date(now.getTime() - KEEP_MS).toISOString())
    return { allowed: true, slot }
  })
}

/** The attempt was not a wrong guess after all (the password was right, or it could not be checked). */
export async function releaseSignInSlot(db: Db, slot: number): Promise<void> {
  await deleteFailure(db, slot)
}

/** After a completed sign-in or a new password: the account's failures (or only the trusted device's) are forgotten. */
export async function clearSignInFailures(db: Db, scope: { email: string } | { device: string }): Promise<void> {
  await deleteFailuresFor(db, scope)
}

/** "2 minutes", "45 seconds": the wait as a person reads it. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

import type { Db } from '../../db/connection.js'
import { deleteFailuresBefore, deleteFailuresFor, failuresSince, insertFailure } from './throttle.repository.js'

const WINDOW_MS = 15 * 60_000
/** Failures allowed in the window before each further try has to wait. */
const FREE_PER_EMAIL = 5
/** An address may be shared by many people (an office, a phone network), so it gets more. */
const FREE_PER_IP = 20
const MAX_WAIT_MS = 60 * 60_000

/** After the 5th failure in 15 minutes: 1 minute, then 2, 4, 8, … up to an hour. */
export function waitAfterFailures(failures: number, free: number): number {
  if (failures < free) return 0
  return Math.min(60_000 * 2 ** (failures - free), MAX_WAIT_MS)
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

/**
 * Whether a sign-in for this email from this address may be tried now. The
 * email is counted whether or not it has an account, so the answer says
 * nothing about which addresses are registered. Kept in the database, so it
 * holds across restarts and processes.
 */
export async function checkSignInThrottle(
  db: Db,
  email: string,
  ip: string,
  now = new Date(),
): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - WINDOW_MS).toISOString()
  const [byEmail, byIp] = await Promise.all([
    failuresSince(db, 'email', email, since),
    failuresSince(db, 'ip', ip, since),
  ])
  const retryAt = Math.max(
    byEmail.last ? Date.parse(byEmail.last) + waitAfterFailures(byEmail.count, FREE_PER_EMAIL) : 0,
    byIp.last ? Date.parse(byIp.last) + waitAfterFailures(byIp.count, FREE_PER_IP) : 0,
  )
  const blocked = (byEmail.count >= FREE_PER_EMAIL || byIp.count >= FREE_PER_IP) && retryAt > now.getTime()
  return blocked
    ? { allowed: false, retryAfterSeconds: Math.ceil((retryAt - now.getTime()) / 1000) }
    : { allowed: true }
}

export async function recordSignInFailure(db: Db, email: string, ip: string, now = new Date()): Promise<void> {
  await insertFailure(db, { email, ip, at: now.toISOString() })
  // Old rows mean nothing any more; clearing them as we go keeps the table small.
  await deleteFailuresBefore(db, new Date(now.getTime() - 24 * 60 * 60_000).toISOString())
}

export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await deleteFailuresFor(db, email)
}

/** "2 minutes", "45 seconds": the wait as a person reads it. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

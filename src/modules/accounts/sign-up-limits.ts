import { HOUR_MS, type RateLimit } from '../rate-limits/rate-limits.service.js'

/**
 * Sign-ups one client address may make in an hour. Enough for an office or a
 * school behind one address to sign up a few people at once; too few to make
 * the shop send mail in bulk.
 */
export const SIGN_UPS_PER_CLIENT_PER_HOUR = 10
export const SIGN_UPS_PER_CLIENT: RateLimit = {
  bucket: 'sign_up',
  max: SIGN_UPS_PER_CLIENT_PER_HOUR,
  windowMs: HOUR_MS,
}

/**
 * "You already have an account" emails one address may be sent in an hour:
 * one says all there is to say, more would let anybody flood the mailbox of
 * someone with an account.
 */
export const ACCOUNT_EXISTS_EMAILS_PER_ADDRESS_PER_HOUR = 1
export const ACCOUNT_EXISTS_EMAILS: RateLimit = {
  bucket: 'account_exists_email',
  max: ACCOUNT_EXISTS_EMAILS_PER_ADDRESS_PER_HOUR,
  windowMs: HOUR_MS,
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
 * Cookies"): a browser that signed in to an account gets a signed token
 * naming that account and a random nonce. Its later sign-ins to that account
 * are throttled by the nonce's own failures, not by the account's, so
 * somebody guessing at an address from elsewhere cannot lock its owner out.
 */
export const DEVICE_COOKIE = 'device'
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60

/** Signs a new device token for this account: `nonce.signature`. */
export function issueDeviceToken(secret: string, email: string): string {
  const nonce = randomBytes(16).toString('base64url')
  return `${nonce}.${sign(secret, nonce, email)}`
}

/** The token's nonce when it was signed here for this very account; null for anything else. */
export function trustedDeviceNonce(secret: string, token: string | undefined, email: string): string | null {
  if (!token || token.length > 200) return null
  const [nonce, signature, extra] = token.split('.')
  if (!nonce || !signature || extra !== undefined) return null
  const expected = Buffer.from(sign(secret, nonce, email))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : null
}

function sign(secret: string, nonce: string, email: string): string {
  return createHmac('sha256', secret).update(`device\n${nonce}\n${email.toLowerCase()}`).digest('base64url')
}

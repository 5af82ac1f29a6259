import type { ScryptParams } from './password.js'

/**
 * Where a request comes from, for links in emails, throttling and the audit
 * log. Every account service takes it, so it lives apart from all of them:
 * the services then import each other one way only.
 */
export interface RequestContext {
  ip: string
  userAgent?: string
  baseUrl: string
  scrypt: ScryptParams
  /** The nonce of the request's device cookie when it was signed for this email (see device-cookie.ts). */
  trustedDevice?: (email: string) => string | null
  /**
   * 'api' for the JSON API: only customers sign in there (staff use the back
   * office, outside services API keys), and the audit log says so.
   */
  via?: 'api'
}

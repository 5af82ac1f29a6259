/**
 * Lifetimes of a signed-in session. "Keep me signed in": 30 days from sign-in
 * at most, ended after 14 days unused. Otherwise the cookie ends with the
 * browser, and the session after 12 hours at most or 2 hours unused.
 *
 * The absolute end is an instant fixed at sign-in (`expiresAt` in the
 * session), not a length of time: @fastify/session rebuilds a stored
 * session's cookie from the plugin's default options (a 14-day maxAge, for a
 * guest's cart) and counts a maxAge from the moment it is loaded, so without
 * it every later write would turn a browser-session cookie into a 14-day one
 * and push the end further out.
 */
export const REMEMBER_MS = 30 * 24 * 60 * 60_000
export const REMEMBER_IDLE_MS = 14 * 24 * 60 * 60_000
export const SHORT_SESSION_MS = 12 * 60 * 60_000
export const SHORT_IDLE_MS = 2 * 60 * 60_000

/** What of a session's data decides its lifetime. */
export interface SignInLifetime {
  userId?: number
  remember?: boolean
  signedInAt?: string
  expiresAt?: string
}

/** When a session signed in at `signedInAt` ends, however it is used. */
export function signInExpiresAt(signedInAt: string, remember: boolean): string {
  return new Date(Date.parse(signedInAt) + (remember ? REMEMBER_MS : SHORT_SESSION_MS)).toISOString()
}

/**
 * The fixed end of a signed-in session; undefined for a guest's, whose
 * cookie keeps the plugin's defaults. A session signed in before `expiresAt`
 * was recorded gets it from its sign-in time.
 */
export function fixedExpiry(session: SignInLifetime): Date | undefined {
  if (session.userId === undefined) return undefined
  const at = session.expiresAt ?? (session.signedInAt && signInExpiresAt(session.signedInAt, !!session.remember))
  if (!at) return undefined
  const date = new Date(at)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * The cookie options of a signed-in session, for `session.options()` and for
 * a stored session's cookie: no maxAge (one would count from now, and an
 * absent one is filled in with the 14-day default), and an Expires only when
 * remembered, at the fixed end. Both keys are present even when undefined,
 * so they override whatever they are spread over.
 */
export function signedInCookie(expiresAt: Date, remember: boolean): { maxAge: undefined; expires: Date | undefined } {
  return { maxAge: undefined, expires: remember ? expiresAt : undefined }
}

import { createHash, randomBytes } from 'node:crypto'

/**
 * The API's bearer secrets: 256 random bits after a prefix that says what
 * they open, so a key pasted in the wrong place is told apart at once and
 * secret scanners can find them. Only their SHA-256 is stored: with that
 * much randomness no salt or slow hash is needed, and a database leak opens
 * nothing.
 */
export const BEARER_PREFIXES = { key: 'sf_key_', customer: 'sf_cus_', cart: 'sf_cart_' } as const

export type BearerKind = keyof typeof BEARER_PREFIXES

export function newBearer(kind: BearerKind): { secret: string; hash: string } {
  const secret = `${BEARER_PREFIXES[kind]}${randomBytes(32).toString('base64url')}`
  return { secret, hash: hashBearer(secret) }
}

export function hashBearer(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** What kind of secret a bearer token is, by its prefix; null for anything else. */
export function bearerKind(secret: string): BearerKind | null {
  for (const [kind, prefix] of Object.entries(BEARER_PREFIXES) as [BearerKind, string][]) {
    if (secret.startsWith(prefix) && secret.length > prefix.length) return kind
  }
  return null
}

/** The token of an `Authorization: Bearer …` header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

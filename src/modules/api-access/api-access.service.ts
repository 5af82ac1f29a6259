import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import {
  insertApiKey,
  markApiKeyUsed,
  revokeApiKeyRow,
  selectApiKeys,
  selectLiveApiKeyByHash,
} from './api-keys.repository.js'
import { bearerKind, hashBearer, newBearer } from './bearer.js'
import {
  insertCustomerToken,
  markCustomerTokenUsed,
  revokeCustomerTokenRows,
  selectLiveCustomerToken,
  selectLiveCustomerTokens,
} from './customer-tokens.repository.js'
import { type ApiScope, parseScopes } from './scopes.js'

/**
 * Who an API request speaks for, from its bearer token:
 * - `key`: an outside service, with the scopes its owner gave the key;
 * - `customer`: a signed-in customer's app;
 * - `cart`: an app's cart token, checked by the cart routes against the cart;
 * - `anonymous`: no token at all (the public catalogue, making a cart).
 * A token that is not one of ours, or one revoked or expired, is `rejected`.
 */
export type ApiPrincipal =
  | { kind: 'key'; keyId: number; name: string; scopes: ApiScope[]; createdBy: number | null }
  | { kind: 'customer'; tokenId: number; userId: number }
  | { kind: 'cart'; tokenHash: string }
  | { kind: 'anonymous' }
  | { kind: 'rejected' }

/** How long a customer's access token lasts; signing in again issues a new one. */
export const CUSTOMER_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000

/** last_used_at is written at most this often per token, so reading is not a write per request. */
const LAST_USED_PRECISION_MS = 60_000

export async function principalOf(db: Db, token: string | null, now = new Date()): Promise<ApiPrincipal> {
  if (token === null) return { kind: 'anonymous' }
  const kind = bearerKind(token)
  const hash = hashBearer(token)
  if (kind === 'cart') return { kind: 'cart', tokenHash: hash }
  if (kind === 'key') {
    const key = await selectLiveApiKeyByHash(db, hash)
    if (!key) return { kind: 'rejected' }
    if (stale(key.last_used_at, now)) await markApiKeyUsed(db, key.id, now.toISOString())
    return { kind: 'key', keyId: key.id, name: key.name, scopes: parseScopes(key.scopes), createdBy: key.created_by }
  }
  if (kind === 'customer') {
    const row = await selectLiveCustomerToken(db, hash, now.toISOString())
    if (!row) return { kind: 'rejected' }
    if (stale(row.last_used_at, now)) await markCustomerTokenUsed(db, row.tokenId, now.toISOString())
    return { kind: 'customer', tokenId: row.tokenId, userId: row.userId }
  }
  return { kind: 'rejected' }
}

function stale(lastUsedAt: string | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - Date.parse(lastUsedAt) >= LAST_USED_PRECISION_MS
}

/** A new API key: the secret is returned this once and only its hash is kept. */
export async function createApiKey(
  db: Db,
  input: { name: string; scopes: readonly ApiScope[] },
  createdBy: number | null,
) {
  const { secret, hash } = newBearer('key')
  const row = await insertApiKey(db, {
    name: input.name,
    key_prefix: secret.slice(0, 12),
    key_hash: hash,
    scopes: JSON.stringify([...new Set(input.scopes)]),
    created_by: createdBy,
    created_at: nowIso(),
  })
  return { secret, key: row }
}

export async function listApiKeys(db: Db) {
  return (await selectApiKeys(db)).map((key) => ({ ...key, scopes: parseScopes(key.scopes) }))
}

/** Revokes a key at once: the next request with it is 401, in every process. False when it was not live. */
export function revokeApiKey(db: Db, id: number): Promise<boolean> {
  return revokeApiKeyRow(db, id, nowIso())
}

/** An access token for a customer's app, named for the device (its user agent); returned this once. */
export async function issueCustomerToken(db: Db, userId: number, label: string, now = new Date()) {
  const { secret, hash } = newBearer('customer')
  const expiresAt = new Date(now.getTime() + CUSTOMER_TOKEN_TTL_MS).toISOString()
  const id = await insertCustomerToken(db, {
    user_id: userId,
    token_hash: hash,
    label: label.slice(0, 200),
    created_at: now.toISOString(),
    expires_at: expiresAt,
  })
  return { id, token: secret, expiresAt }
}

export function listCustomerTokens(db: Db, userId: number) {
  return selectLiveCustomerTokens(db, userId, nowIso())
}

/** Signs an app out: its token (or, without `tokenId`, every token of the customer) stops working at once. */
export function revokeCustomerTokens(db: Db, userId: number, tokenId?: number): Promise<number> {
  return revokeCustomerTokenRows(db, userId, nowIso(), tokenId)
}

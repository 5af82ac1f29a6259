/** What an API key may be allowed to do, one resource and one verb each. */
export const API_SCOPES = [
  'products:read',
  'products:write',
  'orders:read',
  'orders:write',
  'customers:read',
  'stock:write',
  'webhooks:write',
] as const

export type ApiScope = (typeof API_SCOPES)[number]

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'products:read': 'Read products and variants',
  'products:write': 'Create and change products and variants',
  'orders:read': 'Read orders',
  'orders:write': 'Fulfil, refund and cancel orders',
  'customers:read': 'Read customers',
  'stock:write': 'Set and adjust stock',
  'webhooks:write': 'Register webhook endpoints',
}

export function isApiScope(text: string): text is ApiScope {
  return (API_SCOPES as readonly string[]).includes(text)
}

/** The scopes a stored key holds (a JSON array); anything not a known scope is dropped. */
export function parseScopes(json: string): ApiScope[] {
  try {
    const value: unknown = JSON.parse(json)
    return Array.isArray(value) ? value.filter((s): s is ApiScope => typeof s === 'string' && isApiScope(s)) : []
  } catch {
    return []
  }
}

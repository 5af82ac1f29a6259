/**
 * Where to send a person after signing in: only a path on this site. Anything
 * that could leave it — another origin, a protocol-relative //host, a
 * backslash that browsers read as a slash, a javascript: URL — gives the
 * fallback instead (no open redirect).
 */
export function safeReturnPath(next: unknown, fallback = '/account'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return fallback
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return fallback
  const base = 'http://shopfront.invalid'
  let url: URL
  try {
    url = new URL(next, base)
  } catch {
    return fallback
  }
  if (url.origin !== base) return fallback
  return url.pathname + url.search
}

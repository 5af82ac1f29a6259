const BASE = 'http://shopfront.invalid'

/**
 * Where to send a person after signing in: only a path on this site. Anything
 * that could leave it — another origin, a protocol-relative //host, a
 * backslash that browsers read as a slash, a javascript: URL — gives the
 * fallback instead (no open redirect). The path is judged after it is
 * normalised, as a browser will: `/..//evil.example` resolves its dot segment
 * to `//evil.example`, which a Location header would send off the site.
 */
export function safeReturnPath(next: unknown, fallback = '/account'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return fallback
  if (!isSitePath(next)) return fallback
  let url: URL
  try {
    url = new URL(next, BASE)
  } catch {
    return fallback
  }
  const path = url.pathname + url.search
  if (url.origin !== BASE || !isSitePath(path)) return fallback
  // Read again as the browser will read the Location header: it must land here.
  return new URL(path, BASE).origin === BASE ? path : fallback
}

function isSitePath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\')) return false
  return ![...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
}

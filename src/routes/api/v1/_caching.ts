/**
 * What the public catalogue's answers may be kept for: as the storefront's
 * anonymous pages, shared caches briefly and browsers revalidating each time
 * (the ETag makes that a 304 when nothing changed).
 */
export const PUBLIC_CACHE = 'public, max-age=0, s-maxage=60'

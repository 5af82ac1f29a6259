import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The API's opaque list cursors: the position of the last row a page showed
 * (its sort key and id), as base64url JSON with an HMAC of it, so a client
 * can hand it back but not forge or edit one. A cursor that was changed,
 * cut short or made by hand reads as null, which the API answers with 400.
 * The position is a keyset, so rows added or removed meanwhile never make a
 * page skip or repeat one.
 */
export type CursorPosition = Record<string, string | number | null>

const MAC_BYTES = 16

export function encodeCursor(secret: string, position: CursorPosition): string {
  const body = Buffer.from(JSON.stringify(position)).toString('base64url')
  return `${body}.${mac(secret, body).toString('base64url')}`
}

export function decodeCursor(secret: string, cursor: string): CursorPosition | null {
  const dot = cursor.indexOf('.')
  if (dot <= 0) return null
  const body = cursor.slice(0, dot)
  const given = Buffer.from(cursor.slice(dot + 1), 'base64url')
  const expected = mac(secret, body)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  try {
    const position: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
    return position !== null && typeof position === 'object' && !Array.isArray(position)
      ? (position as CursorPosition)
      : null
  } catch {
    return null
  }
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', `${secret}\ncursor`).update(body).digest().subarray(0, MAC_BYTES)
}

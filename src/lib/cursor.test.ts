import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from './cursor.js'

const secret = 'a-test-secret-that-is-long-enough'

describe('list cursors', () => {
  it('give back the position they were made from', () => {
    const position = { created_at: '2026-12-08T10:00:00.000Z', id: 42, price: null }
    expect(decodeCursor(secret, encodeCursor(secret, position))).toEqual(position)
  })

  it('read as null when any character is changed, or when made with another secret', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (id, at, ch) => {
          const cursor = encodeCursor(secret, { id })
          const i = at % cursor.length
          const changed = cursor.slice(0, i) + ch + cursor.slice(i + 1)
          fc.pre(changed !== cursor)
          expect(decodeCursor(secret, changed)).toBeNull()
        },
      ),
    )
    expect(decodeCursor('another-secret', encodeCursor(secret, { id: 1 }))).toBeNull()
  })

  it('read as null when made by hand, cut short or empty', () => {
    const forged = `${Buffer.from('{"id":1}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`
    for (const cursor of ['', '.', 'abc', forged, encodeCursor(secret, { id: 1 }).slice(0, -3)]) {
      expect(decodeCursor(secret, cursor)).toBeNull()
    }
  })
})

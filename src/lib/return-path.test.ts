import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeReturnPath } from './return-path.js'

describe('safeReturnPath', () => {
  it('keeps a path on this site, with its query', () => {
    expect(safeReturnPath('/account/orders?page=2')).toBe('/account/orders?page=2')
    expect(safeReturnPath('/admin')).toBe('/admin')
  })

  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    ' /account',
    '/account\n/x',
    'account',
    '',
    '/%2F%2Fevil.example',
  ])('refuses %j, which could leave the site', (next) => {
    const result = safeReturnPath(next)
    expect(result.startsWith('/')).toBe(true)
    expect(result.startsWith('//')).toBe(false)
    expect(new URL(result, 'http://shop.example').origin).toBe('http://shop.example')
  })

  it.each([
    '/..//evil.example/phish',
    '/.//evil.example',
    '/x/..//evil.example',
    '/%2e%2e//evil.example',
    '/%2E%2e//evil.example',
    '/admin/../..//evil.example',
    '/./\\evil.example',
  ])('refuses %j, whose dot segments resolve to another host', (next) => {
    expect(safeReturnPath(next)).toBe('/account')
  })

  /** A Location header as a browser follows it: the URL it resolves to from a page of this site. */
  const landsOnSite = (location: string) => {
    const site = 'https://shop.example'
    const url = new URL(location, `${site}/login`)
    return url.origin === site && location.startsWith('/') && !location.startsWith('//')
  }
  const start = fc.constantFrom('/', '//', '\\', '', ' /', 'https:', 'javascript:')
  const segment = fc.constantFrom(
    '',
    '.',
    '..',
    '%2e',
    '%2e%2e',
    '%2E%2e',
    '.%2e',
    'evil.example',
    'a',
    '@',
    ':',
    'http:',
    ' ',
    '%20',
    '\t',
    '\r\n',
    '%09',
    '%0d%0a',
    '%00',
    '\u3002',
    '\uff0f',
  )
  const separator = fc.constantFrom('/', '//', '\\', '/\\', '%2f', '%5c', '/\t/', '?', '#')

  it('answers a path that lands on this site, whatever it is given (property)', () => {
    const anyPath = fc
      .tuple(start, fc.array(fc.tuple(segment, separator), { maxLength: 6 }), segment)
      .map(([first, middle, last]) => first + middle.map(([s, sep]) => s + sep).join('') + last)
    fc.assert(
      fc.property(anyPath, (next) => {
        const answer = safeReturnPath(next)
        expect(landsOnSite(answer)).toBe(true)
        expect([...answer].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')).toBe(false)
      }),
      { numRuns: 5000 },
    )
  })

  it('keeps every plain path on this site as it is (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/)
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.join('/')}`
        expect(safeReturnPath(path)).toBe(path)
      }),
    )
  })

  it('falls back when there is nothing usable', () => {
    expect(safeReturnPath(undefined)).toBe('/account')
    expect(safeReturnPath(['/a', '/b'])).toBe('/account')
    expect(safeReturnPath('https://evil.example/', '/')).toBe('/')
  })
})

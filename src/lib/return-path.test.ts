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

  it('falls back when there is nothing usable', () => {
    expect(safeReturnPath(undefined)).toBe('/account')
    expect(safeReturnPath(['/a', '/b'])).toBe('/account')
    expect(safeReturnPath('https://evil.example/', '/')).toBe('/')
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { isAllowedHost } from './security.js'

describe('isAllowedHost', () => {
  it('allows only loopback names without PUBLIC_URL', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000']) {
      expect(isAllowedHost(host, null), host).toBe(true)
    }
    expect(isAllowedHost('evil.example', null)).toBe(false)
    expect(isAllowedHost('localhost.evil.example', null)).toBe(false)
  })
  it('allows only the public host when PUBLIC_URL is set', () => {
    const url = new URL('https://shop.example.com')
    expect(isAllowedHost('shop.example.com', url)).toBe(true)
    expect(isAllowedHost('SHOP.example.com', url)).toBe(true)
    expect(isAllowedHost('localhost', url)).toBe(false)
    expect(isAllowedHost('shop.example.com:8443', url)).toBe(false)
  })
})

describe('security headers', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it('sends a CSP without inline script, no framing, nosniff and a referrer policy', async () => {
    const response = await shop.app.inject({ url: '/' })
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("frame-ancestors 'none'")
    // The older header says the same as frame-ancestors: no framing at all, not even same-origin.
    expect(response.headers['x-frame-options']).toBe('DENY')
    expect(csp).toContain("form-action 'self'")
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect(response.headers['strict-transport-security']).toBeUndefined()
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('puts no inline script on the page', async () => {
    const html = (await shop.app.inject({ url: '/' })).body
    // Data blocks (JSON-LD, JSON) are not executed and CSP does not apply to them; anything else must be a file.
    for (const tag of html.match(/<script\b[^>]*>/g) ?? [])
      expect(tag).toMatch(/\ssrc="|type="application\/(ld\+)?json"/)
    expect(html).not.toMatch(/\son[a-z]+="/)
  })

  it('sends the same headers on errors and on the API', async () => {
    for (const url of ['/no-such-page', '/api/shop', '/healthz']) {
      const response = await shop.app.inject({ url })
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
      expect(String(response.headers['content-security-policy']), url).toContain("frame-ancestors 'none'")
      expect(response.headers['x-frame-options'], url).toBe('DENY')
    }
  })

  it('answers on localhost and 127.0.0.1 in development, and refuses other hosts', async () => {
    expect((await shop.app.inject({ url: '/', headers: { host: '127.0.0.1:3000' } })).statusCode).toBe(200)
    expect((await shop.app.inject({ url: '/', headers: { host: 'localhost:3000' } })).statusCode).toBe(200)
    const refused = await shop.app.inject({ url: '/', headers: { host: 'evil.example' } })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).not.toContain('evil.example')
  })
})

describe('security headers over https', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp({ publicUrl: new URL('https://shop.example.com') })
  })
  afterAll(() => shop.close())

  it('sends HSTS and upgrades insecure requests', async () => {
    const response = await shop.app.inject({ url: '/', headers: { host: 'shop.example.com' } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/)
    expect(String(response.headers['content-security-policy'])).toContain('upgrade-insecure-requests')
  })

  it('refuses a Host header that is not the public one, but lets health probes through', async () => {
    expect((await shop.app.inject({ url: '/', headers: { host: 'localhost' } })).statusCode).toBe(400)
    expect((await shop.app.inject({ url: '/api/shop', headers: { host: 'other.example' } })).statusCode).toBe(400)
    expect((await shop.app.inject({ url: '/healthz', headers: { host: '10.0.0.7:3000' } })).statusCode).toBe(200)
  })

  it('builds canonical links from PUBLIC_URL, never from the request', async () => {
    const html = (await shop.app.inject({ url: '/contact?utm_source=x', headers: { host: 'shop.example.com' } })).body
    expect(html).toContain('<link rel="canonical" href="https://shop.example.com/contact">')
  })
})

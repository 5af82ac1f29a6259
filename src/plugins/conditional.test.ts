import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { noneMatch } from './conditional.js'

describe('noneMatch', () => {
  it('matches a tag by weak comparison, in a list, or any tag for *', () => {
    expect(noneMatch('W/"abc"', 'W/"abc"')).toBe(true)
    expect(noneMatch('"abc"', 'W/"abc"')).toBe(true)
    expect(noneMatch('W/"x", W/"abc"', 'W/"abc"')).toBe(true)
    expect(noneMatch('*', 'W/"abc"')).toBe(true)
    expect(noneMatch('W/"abcd"', 'W/"abc"')).toBe(false)
    expect(noneMatch(undefined, 'W/"abc"')).toBe(false)
  })
})

describe('conditional GET', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp({}, { seed: false })
  })
  afterAll(() => shop.close())

  for (const url of ['/', '/sitemap.xml', '/sitemaps/pages.xml', '/robots.txt']) {
    it(`gives ${url} a weak ETag and answers 304 with no body when the client already has it`, async () => {
      const first = await shop.app.inject({ url })
      expect(first.statusCode).toBe(200)
      const etag = first.headers.etag as string
      expect(etag).toMatch(/^W\/".+"$/)

      const again = await shop.app.inject({ url, headers: { 'if-none-match': etag } })
      expect(again.statusCode).toBe(304)
      expect(again.body).toBe('')
      expect(again.headers.etag).toBe(etag)
      expect(again.headers['cache-control']).toBe(first.headers['cache-control'])

      const other = await shop.app.inject({ url, headers: { 'if-none-match': 'W/"something-else"' } })
      expect(other.statusCode).toBe(200)
    })
  }

  it('tags the uncompressed body, so a compressed response has the same ETag and still gets 304', async () => {
    const plain = await shop.app.inject({ url: '/' })
    const gzipped = await shop.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } })
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gzipped.headers.etag).toBe(plain.headers.etag)

    const revalidated = await shop.app.inject({
      url: '/',
      headers: { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag as string },
    })
    expect(revalidated.statusCode).toBe(304)
    expect(revalidated.headers['content-encoding']).toBeUndefined()
    expect(revalidated.rawPayload.length).toBe(0)
  })

  it('answers HEAD for the home page, the sitemap and robots.txt with the GET headers and no body', async () => {
    for (const url of ['/', '/sitemap.xml', '/robots.txt']) {
      const get = await shop.app.inject({ url })
      const head = await shop.app.inject({ method: 'HEAD', url })
      expect(head.statusCode, url).toBe(200)
      expect(head.body, url).toBe('')
      expect(head.headers['content-type'], url).toBe(get.headers['content-type'])
      expect(head.headers.etag, url).toBe(get.headers.etag)
      expect(head.headers['content-length'], url).toBe(get.headers['content-length'])
      const conditional = await shop.app.inject({
        method: 'HEAD',
        url,
        headers: { 'if-none-match': get.headers.etag as string },
      })
      expect(conditional.statusCode, url).toBe(304)
    }
  })

  it('gives no ETag to a response nobody may store, or to one that is not a success', async () => {
    const health = await shop.app.inject({ url: '/healthz' })
    expect(health.headers['cache-control']).toBe('no-store')
    expect(health.headers.etag).toBeUndefined()

    const missing = await shop.app.inject({ url: '/no-such-page' })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers.etag).toBeUndefined()
  })

  it('never answers 304 to a request that changes something', async () => {
    const page = await shop.app.inject({ url: '/contact' })
    const post = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: {
        'if-none-match': '*',
        origin: 'http://localhost:80',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'name=&email=&message=',
    })
    expect(page.statusCode).toBe(200)
    expect(post.statusCode).not.toBe(304)
    expect(post.headers.etag).toBeUndefined()
  })
})

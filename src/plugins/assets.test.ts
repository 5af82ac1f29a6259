import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { buildManifest } from './assets.js'

describe('buildManifest', () => {
  it('gives a file a new URL when its content changes, and keeps it when it does not', () => {
    const root = mkdtempSync(join(tmpdir(), 'shopfront-assets-'))
    mkdirSync(join(root, 'css'))
    writeFileSync(join(root, 'css/site.css'), 'a{}')
    const first = buildManifest(root).urls.get('css/site.css')
    expect(first).toMatch(/^\/assets\/css\/site\.[0-9a-f]{10}\.css$/)
    expect(buildManifest(root).urls.get('css/site.css')).toBe(first)
    writeFileSync(join(root, 'css/site.css'), 'b{}')
    expect(buildManifest(root).urls.get('css/site.css')).not.toBe(first)
  })
})

describe('static files', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  const stylesheetUrl = async () => {
    const html = (await shop.app.inject({ url: '/' })).body
    return /<link rel="stylesheet" href="([^"]+)">/.exec(html)?.[1] as string
  }

  it('serves the fingerprinted stylesheet with long immutable caching', async () => {
    const url = await stylesheetUrl()
    expect(url).toMatch(/^\/assets\/css\/shop\.[0-9a-f]{10}\.css$/)
    const response = await shop.app.inject({ url })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/css/)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('compresses text responses for clients that accept it', async () => {
    const response = await shop.app.inject({ url: await stylesheetUrl(), headers: { 'accept-encoding': 'br, gzip' } })
    expect(response.headers['content-encoding']).toBe('br')
    const page = await shop.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } })
    expect(page.headers['content-encoding']).toBe('gzip')
  })

  it('answers 404 for a stale fingerprint, an unfingerprinted name, or a path outside public/', async () => {
    for (const url of ['/assets/css/shop.0000000000.css', '/assets/css/shop.css', '/assets/..%2f..%2fpackage.json']) {
      expect((await shop.app.inject({ url })).statusCode, url).toBe(404)
    }
  })

  it('serves a favicon at /favicon.ico', async () => {
    const response = await shop.app.inject({ url: '/favicon.ico' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/icon/)
  })
})

import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { readAllCounters } from '../db/change-counters.js'
import type { Db } from '../db/connection.js'
import { mayUseSession } from './session.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's anonymous pages may be kept and served again until the data behind them changes. */
    pageCache?: boolean
  }
  interface FastifyRequest {
    /** The change counters when an anonymous, cacheable request started; undefined for any other. */
    pageCacheVersion?: string
  }
}

/** The headers a stored page is served with again; anything else the route set keeps it out of the cache. */
const REPLAYED = ['content-type', 'cache-control', 'vary', 'etag'] as const
/** Headers every response gets afresh (security headers, request id), so a stored page need not carry them. */
const PER_REQUEST =
  /^(x-request-id|content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|strict-transport-security|x-content-type-options|x-dns-prefetch-control|x-download-options|x-frame-options|x-permitted-cross-domain-policies|x-xss-protection|content-length)/

type Encoding = 'br' | 'gzip'

interface StoredPage {
  version: string
  body: Buffer
  headers: [string, string][]
  /** The body compressed, made at the first request that asks for each encoding. */
  encoded?: Partial<Record<Encoding, Buffer>>
  /** The body and its compressed copies. */
  bytes?: number
}

/** The encoding to send a stored page in: the client's highest-weighted of br and gzip, br on a tie; null for none. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null
  const weights: Record<string, number> = {}
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    weights[name] = q ? Number(q.slice(2)) || 0 : 1
  }
  const weight = (name: Encoding) => weights[name] ?? weights['*'] ?? 0
  const best = weight('br') >= weight('gzip') ? 'br' : 'gzip'
  return weight(best) > 0 ? best : null
}

function compress(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'gzip') return gzipSync(body)
  // Made once and sent many times: a little more effort than @fastify/compress spends per response.
  return brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 6 },
  })
}

/** Pages by key, least recently used dropped first once they (compressed copies included) pass `maxBytes`. */
export class PageStore {
  private readonly pages = new Map<string, StoredPage>()
  private bytes = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string, version: string): StoredPage | undefined {
    const page = this.pages.get(key)
    if (!page) return undefined
    this.pages.delete(key)
    if (page.version !== version) {
      this.bytes -= page.bytes ?? 0
      return undefined
    }
    this.pages.set(key, page)
    return page
  }

  set(key: string, page: StoredPage): void {
    if (page.body.length > this.maxBytes / 4) return
    const old = this.pages.get(key)
    if (old) {
      this.pages.delete(key)
      this.bytes -= old.bytes ?? 0
    }
    page.bytes = page.body.length
    this.pages.set(key, page)
    this.grow(page.bytes)
  }

  /** The body of a page just returned by get() in an encoding, compressed on first use and kept with it. */
  encoded(page: StoredPage, encoding: Encoding): Buffer {
    page.encoded ??= {}
    let body = page.encoded[encoding]
    if (!body) {
      body = compress(page.body, encoding)
      page.encoded[encoding] = body
      page.bytes = (page.bytes ?? 0) + body.length
      // Asked for right after get(), so the page is stored and the most recently used.
      this.grow(body.length)
    }
    return body
  }

  get size(): { pages: number; bytes: number } {
    return { pages: this.pages.size, bytes: this.bytes }
  }

  private grow(by: number): void {
    this.bytes += by
    for (const [oldest, stored] of this.pages) {
      if (this.bytes <= this.maxBytes) break
      this.pages.delete(oldest)
      this.bytes -= stored.bytes ?? 0
    }
  }
}

/**
 * Anonymous storefront pages (home, listings, products, search) rendered
 * once and served again to every visitor without a session, until the
 * catalogue or the settings change. Every request reads the change counters
 * (one indexed query): a page is served only while they are exactly what
 * they were when it was rendered, so a price, stock or settings change made
 * by any process shows on the very next view, and nothing here needs sharing
 * between processes. A visitor with a session never gets a stored page and
 * never adds one. `x-cache: HIT` or `MISS` says which happened.
 */
export const pageCachePlugin = fp(
  async (app: FastifyInstance, opts: { db: Db; maxBytes: number }) => {
    if (opts.maxBytes <= 0) return
    const store = new PageStore(opts.maxBytes)
    const keyOf = (request: FastifyRequest) => `${request.host} ${request.url}`

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.routeOptions.config.pageCache || mayUseSession(request)) return
      const version = await readAllCounters(opts.db)
      const page = store.get(keyOf(request), version)
      if (!page) {
        request.pageCacheVersion = version
        reply.header('x-cache', 'MISS')
        return
      }
      for (const [name, value] of page.headers) reply.header(name, value)
      reply.header('x-cache', 'HIT')
      const encoding = chooseEncoding(request.headers['accept-encoding'])
      if (!encoding) return reply.code(200).send(page.body)
      const body = store.encoded(page, encoding)
      reply
        .header('content-encoding', encoding)
        .header('vary', `${reply.getHeader('vary') ?? 'Cookie'}, Accept-Encoding`)
      return reply.code(200).send(body)
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const version = request.pageCacheVersion
      if (version === undefined || reply.statusCode !== 200 || typeof payload !== 'string') return payload
      const headers = reply.getHeaders()
      const cacheControl = String(headers['cache-control'] ?? '')
      if (!/\bpublic\b/.test(cacheControl)) return payload
      const unknown = Object.keys(headers).some(
        (name) => name !== 'x-cache' && !REPLAYED.includes(name as never) && !PER_REQUEST.test(name),
      )
      if (unknown) return payload
      const replayed: [string, string][] = []
      for (const name of REPLAYED) if (headers[name] !== undefined) replayed.push([name, String(headers[name])])
      store.set(keyOf(request), { version, body: Buffer.from(payload), headers: replayed })
      return payload
    })
  },
  { name: 'shopfront-page-cache', dependencies: ['shopfront-session'] },
)

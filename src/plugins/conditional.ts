import { Readable } from 'node:stream'
import fastifyEtag from '@fastify/etag'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Conditional GET: a response that may be stored gets a weak ETag, the hash
 * of its body as the route produced it, and a request that already holds
 * that version (If-None-Match) gets 304 with no body.
 *
 * Registered on the root before any route, so its hooks run before the
 * per-route compression hook: the tag is of the uncompressed body, the same
 * for every encoding (hence weak), and a 304 has nothing left to compress.
 * Streams (the product sitemaps) are never read into memory to be hashed,
 * so they go without a tag; the sitemap index's lastmod serves crawlers.
 *
 * Which responses: a 200 to GET or HEAD, unless it is `no-store`. A personal
 * page (`private, no-cache`) keeps its tag: only that visitor's browser sees
 * it, its body holds their name and form token so its hash is theirs alone,
 * and revalidating it with a 304 is exactly what `no-cache` asks for. A
 * `no-store` response is never kept anywhere, so a tag would only cost a hash.
 */
export const conditionalPlugin = fp(
  async (app: FastifyInstance) => {
    // The plugin tags every string or buffer body; the 304 decision is ours, to the rules of RFC 9110.
    await app.register(fastifyEtag, { weak: true, replyWith304: false })

    app.addHook('onSend', async (request, reply, payload) => {
      const etag = reply.getHeader('etag')
      if (typeof etag !== 'string') return payload
      if (!storable(request, reply)) {
        reply.removeHeader('etag')
        return payload
      }
      if (!noneMatch(request.headers['if-none-match'], etag)) return payload
      // A route that tagged a stream itself (static files) has one open: close it, nobody will read it.
      if (payload instanceof Readable) payload.destroy()
      reply.code(304)
      reply.removeHeader('content-type')
      reply.removeHeader('content-length')
      // A stored page may have been picked in its compressed form already; a 304 has no body to encode.
      reply.removeHeader('content-encoding')
      return ''
    })
  },
  { name: 'shopfront-conditional' },
)

function storable(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  if (reply.statusCode !== 200) return false
  const cacheControl = reply.getHeader('cache-control')
  return !(typeof cacheControl === 'string' && /(^|[\s,])no-store\b/i.test(cacheControl))
}

/** True when If-None-Match names this version: `*`, or any listed tag equal to ours by weak comparison. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const ours = opaque(etag)
  return header.split(',').some((tag) => opaque(tag.trim()) === ours)
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  MEDIA_PATH,
  MEDIA_RETRY_AFTER_SECONDS,
  type MediaInfo,
  type MediaObject,
  type MediaStorage,
  MediaStorageError,
} from '../lib/media-storage/index.js'

export const MEDIA_PREFIX = '/media'

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send('Not found')
}

/** The store's path for a request, or null for anything MEDIA_PATH refuses (`..`, dotfiles, `%`, `//`, a folder). */
function storePath(request: FastifyRequest): string | null {
  const path = request.url.split('?', 1)[0] ?? ''
  if (!path.startsWith(`${MEDIA_PREFIX}/`)) return null
  const inStore = path.slice(MEDIA_PREFIX.length + 1)
  return MEDIA_PATH.test(inStore) ? inStore : null
}

/**
 * Serves the stored product images under /media/, from the local folder or
 * the bucket alike (src/lib/media-storage). A file is named by its
 * content's hash, so it is cached for a year and never revalidated. No
 * session, no views: this sits beside the health checks, outside the HTML
 * area. Images may be shown by other sites (webmail showing an order
 * email, link previews), so they are marked cross-origin, where helmet's
 * default would have browsers refuse them anywhere but on the shop. A
 * request with a valid If-None-Match gets 304 from the conditional plugin,
 * which closes the unread body.
 */
export async function mediaPlugin(app: FastifyInstance, opts: { storage: MediaStorage }) {
  await app.register(
    async (media) => {
      media.setNotFoundHandler((_request, reply) => notFound(reply))
      // Checked before any route runs, so no odd path reaches the store.
      media.addHook('onRequest', async (request, reply) => {
        if (storePath(request) === null) return notFound(reply)
      })
      media.route({
        method: ['GET', 'HEAD'],
        url: '/*',
        handler: async (request, reply) => {
          const path = storePath(request) as string
          let found: MediaInfo | MediaObject | undefined
          try {
            // HEAD asks the store for the facts only, never opening the bytes.
            found = request.method === 'HEAD' ? await opts.storage.head(path) : await opts.storage.get(path)
          } catch (err) {
            if (!(err instanceof MediaStorageError)) throw err
            request.log.error({ err }, 'the image store could not be read')
            return reply
              .code(503)
              .header('retry-after', String(MEDIA_RETRY_AFTER_SECONDS))
              .header('cache-control', 'no-store')
              .type('text/plain; charset=utf-8')
              .send('The picture cannot be fetched right now. Try again in a moment.')
          }
          if (!found) return notFound(reply)
          reply
            .type(found.contentType)
            .header('cache-control', 'public, max-age=31536000, immutable')
            .header('cross-origin-resource-policy', 'cross-origin')
          if (found.contentLength !== null) reply.header('content-length', found.contentLength)
          if (found.etag) reply.header('etag', found.etag)
          if (found.lastModified) reply.header('last-modified', found.lastModified.toUTCString())
          return reply.send('body' in found ? found.body : undefined)
        },
      })
    },
    { prefix: MEDIA_PREFIX },
  )
}

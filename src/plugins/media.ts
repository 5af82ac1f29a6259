import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

export const MEDIA_PREFIX = '/media'

/**
 * Every segment a plain name that does not start with a dot: no `..`, no
 * dotfiles (the half-written `.name.tmp` files among them), no empty or
 * percent-encoded segments, no directory. Anything else is answered 404
 * before the disk is looked at.
 */
const SERVABLE_PATH = /^\/media(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send('Not found')
}

/**
 * Serves the stored product images under /media/. A file is named by its
 * content's hash, so it is cached for a year and never revalidated. No
 * session, no views: this sits beside the health checks, outside the HTML
 * area. Images may be shown by other sites (webmail showing an order
 * email, link previews), so they are marked cross-origin, where helmet's
 * default would have browsers refuse them anywhere but on the shop.
 */
export async function mediaPlugin(app: FastifyInstance, opts: { mediaDir: string }) {
  await app.register(
    async (media) => {
      media.setNotFoundHandler((_request, reply) => notFound(reply))
      media.addHook('onRequest', async (request, reply) => {
        const path = request.url.split('?', 1)[0] ?? ''
        if (!SERVABLE_PATH.test(path)) return notFound(reply)
      })
      await media.register(fastifyStatic, {
        root: opts.mediaDir,
        prefix: '/',
        // The HTML area registers @fastify/static for /assets and owns reply.sendFile.
        decorateReply: false,
        // Files appear at run time (uploads), so each request looks at the disk rather than a list made at start.
        wildcard: true,
        list: false,
        index: false,
        redirect: false,
        dotfiles: 'ignore',
        maxAge: '365d',
        immutable: true,
        // The folder is created by the first image stored; until then every request is simply a 404.
        suppressWarning: true,
        setHeaders: (reply) => {
          reply.header('cross-origin-resource-policy', 'cross-origin')
        },
      })
    },
    { prefix: MEDIA_PREFIX },
  )
}

import fastifyView from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import { formatMoney } from '../lib/money.js'
import { withFields } from '../lib/objects.js'
import { viewsDir } from '../lib/paths.js'
import { cartCount as countCartItems } from '../modules/cart/cart.service.js'
import { jsonLdScript } from '../modules/catalogue/seo.js'
import { pictureData } from '../modules/images/images.js'
import { getShopSettings } from '../modules/settings/settings.service.js'
import { siteOrigin } from './csrf.js'

export interface PageData {
  /** The page's own title; the layout adds the shop's name. */
  title?: string
  description?: string
  /** Path of the page's canonical URL when it differs from the request path. */
  canonicalPath?: string
  [key: string]: unknown
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The Cache-Control of every answer of the route, its 404 and error pages
     * included: set as the request starts, so a page rendered for a not-found
     * or an error finds it there and keeps it.
     */
    cacheControl?: string
  }
  interface FastifyReply {
    /** @fastify/view's data for every page of this request, under the page's own (an area's hook sets it once). */
    locals: Record<string, unknown>
    /** Renders a page with the locals every layout needs. Personal pages are marked private. */
    render(template: string, data?: PageData): Promise<FastifyReply>
  }
}

export function createEta(production: boolean): Eta {
  return new Eta({ views: viewsDir, cache: production, autoEscape: true, plugins: [includeWithAssign] })
}

/**
 * Eta builds the data of every include and layout as `{...it, ...data}`. On
 * Node 20 an object literal that starts with a spread and goes on gets a
 * hidden class of its own each time once warm (see lib/objects.ts), and `it`
 * is a page's whole data, so a list page that includes a partial per row
 * filled the old generation with maps. The same merge, made with
 * Object.assign, keeps one shape. Rewrites the code Eta generates: views.test.ts
 * fails if an Eta upgrade changes it so that a spread is left.
 */
const includeWithAssign = {
  processFnString(fn: string): string {
    return fn
      .replaceAll('{...it, ...(__eta_d ?? {})}', 'Object.assign({}, it, __eta_d)')
      .replace(
        '{...it, body: __eta.res, ...__eta.layoutData, __blocks: __eta.blocks}',
        'Object.assign({}, it, {body: __eta.res}, __eta.layoutData, {__blocks: __eta.blocks})',
      )
  },
}

export const viewsPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; db: Db }) => {
    const production = opts.config.isProduction
    await app.register(fastifyView, {
      engine: { eta: createEta(production) },
      templates: viewsDir,
      production,
    })

    // Added to the routes that declare it only, so no other request pays for a hook.
    app.addHook('onRoute', (route) => {
      const cacheControl = route.config?.cacheControl
      if (!cacheControl) return
      const setCacheControl: onRequestHookHandler = (_request, reply, done) => {
        reply.header('cache-control', cacheControl)
        done()
      }
      route.onRequest = [setCacheControl, ...[route.onRequest ?? []].flat()]
    })

    app.decorateReply('render', async function render(this: FastifyReply, template: string, data: PageData = {}) {
      const request = this.request
      const personal = request.hasSession()
      const base = siteOrigin(opts.config, request)
      const path = request.url.split('?', 1)[0] ?? '/'
      const shop = await getShopSettings(opts.db)
      const flash = personal && hasMessages(request.session.get('flash')) ? this.flash() : {}
      // Only a visitor with a session can have a cart: anonymous pages stay free of queries and cacheable.
      const cartCount = personal ? await countCartItems(opts.db, request.cartOwner()) : 0

      // A route that set its own caching (no-store for a page with secrets on it) keeps it.
      if (!this.hasHeader('cache-control')) this.header('cache-control', cacheControlFor(this.statusCode, personal))
      // Every page may be sent compressed, so caches must key on both (lower case, as @fastify/compress looks for it).
      this.header('vary', 'Cookie, accept-encoding')
      const html = await this.viewAsync(
        template,
        withFields(data, {
          shop,
          flash,
          csrfToken: this.csrfToken(),
          asset: app.asset,
          path,
          canonical: base + (data.canonicalPath ?? path),
          requestId: request.id,
          base,
          money: (minor: number) => formatMoney(minor, shop.currency, shop.locale),
          picture: pictureData,
          jsonLdScript,
          cartCount,
          currentUser: request.user ? { name: request.user.name, role: request.user.role } : null,
        }),
      )
      return this.type('text/html; charset=utf-8').send(html)
    })
  },
  {
    name: 'shopfront-views',
    dependencies: ['shopfront-session', 'shopfront-csrf', 'shopfront-assets', 'shopfront-auth', 'shopfront-cart'],
  },
)

/**
 * Shared caches may keep an anonymous page briefly; a page for a visitor with
 * a session is theirs alone; a failed form or an error is kept by nobody.
 */
export function cacheControlFor(status: number, personal: boolean): string {
  if (status >= 400 && status !== 404 && status !== 410) return 'no-store'
  return personal ? 'private, no-cache' : 'public, max-age=0, s-maxage=60'
}

function hasMessages(flash: Record<string, string[]> | undefined): boolean {
  return flash !== undefined && Object.values(flash).some((messages) => messages.length > 0)
}

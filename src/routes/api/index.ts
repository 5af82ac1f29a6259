import type { FastifyInstance } from 'fastify'
import { CrossOriginError, changesState, originVerdict, siteOrigin } from '../../plugins/csrf.js'
import { problemPlugin } from '../../plugins/problem.js'
import contactMessagesRoutes from './contact-messages.js'
import shopRoutes from './shop.js'
import apiV1Routes from './v1/index.js'

/**
 * The JSON API for mobile clients and outside services. It reads no session
 * cookie, so a browser's ambient credentials give a forged request nothing;
 * a request a browser marks as cross-site is refused all the same.
 */
export default async function apiRoutes(app: FastifyInstance) {
  await app.register(problemPlugin)

  app.addHook('onRequest', (request, _reply, done) => {
    if (!changesState(request.method)) return done()
    const verdict = originVerdict(request.headers, siteOrigin(app.config, request))
    done(verdict === 'cross' ? new CrossOriginError() : undefined)
  })

  await app.register(shopRoutes)
  await app.register(contactMessagesRoutes)
  await app.register(apiV1Routes, { prefix: '/v1' })
}

import { randomUUID } from 'node:crypto'
import fastifyCompress from '@fastify/compress'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import type { Config } from './config.js'
import { createDb, type Db } from './db/connection.js'
import { createMediaStorage, type MediaStorage } from './lib/media-storage/index.js'
import { createPayments, type Payments } from './modules/payments/payments.js'
import { conditionalPlugin } from './plugins/conditional.js'
import { lastResortErrorHandler } from './plugins/error-pages.js'
import { mailPlugin } from './plugins/mail.js'
import { mediaPlugin } from './plugins/media.js'
import { securityPlugin } from './plugins/security.js'
import htmlArea from './routes/_html.js'
import apiRoutes from './routes/api/index.js'
import healthzRoutes from './routes/healthz.js'
import readyzRoutes from './routes/readyz.js'
import robotsRoutes from './routes/robots.txt.js'
import sitemapRoutes from './routes/sitemap.js'
import stripeWebhookRoutes from './routes/webhooks/stripe.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Db
    /** The ways of paying this server takes (Stripe only with its keys). */
    payments: Payments
    /** Where product images are stored and read from (config.media). */
    mediaStorage: MediaStorage
  }
}

export interface AppDependencies {
  /** An open database; when given, the caller closes it. */
  db?: Db
  /** The image store; when given, the caller closes it. */
  mediaStorage?: MediaStorage
  /** Where logs go instead of stdout (tests read them). */
  logStream?: { write(line: string): void }
}

/** Builds the whole shop without listening: the server and the tests both start here. */
export async function buildApp(config: Config, deps: AppDependencies = {}): Promise<FastifyInstance> {
  const db = deps.db ?? createDb(config.database, config.databasePool)
  const app = Fastify({
    logger: loggerOptions(config, deps.logStream),
    // Logging every request costs a third of the throughput; LOG_REQUESTS=true turns on one line per request.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Fastify takes a hop count too (proxy-addr), though its types leave numbers out.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    bodyLimit: 1024 * 1024,
    // A URL the router cannot decode (/%zz) never reaches a route; answer it like any other bad request.
    frameworkErrors: (error, request, reply) => lastResortErrorHandler(error, request, reply),
  })
  app.decorate('config', config)
  app.decorate('db', db)
  const payments = createPayments(config.stripe)
  app.decorate('payments', payments)
  if (!deps.db) app.addHook('onClose', async () => db.destroy())
  const mediaStorage = deps.mediaStorage ?? (await createMediaStorage(config.media))
  app.decorate('mediaStorage', mediaStorage)
  if (!deps.mediaStorage) app.addHook('onClose', async () => mediaStorage.close())

  app.setErrorHandler(lastResortErrorHandler)

  // Once closing, a response on a keep-alive connection also closes it; otherwise a client that
  // was mid-request when shutdown began would hold the server open until its keep-alive ran out.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) reply.header('connection', 'close')
  })
  if (config.logRequests) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        // The path only: query strings carry one-time tokens (?token=…) that must not reach a log.
        {
          method: request.method,
          url: request.url.split('?', 1)[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      )
    })
  }

  await app.register(mailPlugin, { config, db, payments })
  await app.register(securityPlugin, { config })
  // ETags are computed on the body as routes produce it; compression is a per-route hook, so it always runs after.
  await app.register(conditionalPlugin)
  await app.register(fastifyCompress, { global: true, threshold: 1024 })
  await app.register(healthzRoutes)
  await app.register(readyzRoutes)
  await app.register(mediaPlugin, { storage: mediaStorage })
  // For crawlers: no session, no layout, a query or a few.
  await app.register(sitemapRoutes)
  await app.register(robotsRoutes)
  await app.register(apiRoutes, { prefix: '/api' })
  if (payments.stripe) await app.register(stripeWebhookRoutes, { prefix: '/webhooks', stripe: payments.stripe })
  await app.register(htmlArea, { config, db })
  return app
}

/** Secrets never reach a log line, whatever object they travel in. */
const redact = {
  paths: [
    'req.headers.cookie',
    'req.headers.authorization',
    'res.headers["set-cookie"]',
    '*.password',
    '*.currentPassword',
    '*.newPassword',
    '*._csrf',
    '*.token',
  ],
  censor: '[redacted]',
}

function loggerOptions(config: Config, stream?: { write(line: string): void }): FastifyServerOptions['logger'] {
  if (stream) return { level: config.logLevel, redact, stream }
  return {
    level: config.logLevel,
    redact,
    ...(config.env === 'development' && process.stdout.isTTY ? prettyTransport() : {}),
  }
}

/** Readable logs on a developer's terminal, when pino-pretty (a dev dependency) is installed. */
function prettyTransport() {
  try {
    import.meta.resolve('pino-pretty')
    return { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } }
  } catch {
    return {}
  }
}

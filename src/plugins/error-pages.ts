import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type ErrorCopy, errorCopy, problemBody, statusOf } from '../lib/http-errors.js'
import { withFields } from '../lib/objects.js'
import { databaseUnavailable } from '../db/dialect/unavailable.js'
import { BusyError } from '../lib/work-limit.js'

/**
 * 404 and error pages for people, in the shop's layout. Only the request id
 * of a 500 is shown; the error itself goes to the log. If even the layout
 * cannot be rendered (the database is down), a plain page is sent instead.
 */
export const errorPagesPlugin = fp(
  async (app: FastifyInstance) => {
    app.setNotFoundHandler((request, reply) => sendErrorPage(request, reply, 404))

    app.setErrorHandler((thrown: FastifyError, request, reply) => {
      const error = (databaseUnavailable(thrown) as FastifyError | null) ?? thrown
      const status = statusOf(error)
      if (error instanceof BusyError) {
        // Load shed on purpose, not a fault: the person is asked to come back shortly.
        request.log.warn({ code: error.code, status, err: error === thrown ? undefined : thrown }, error.message)
        reply.headers(error.headers)
      } else if (status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ code: error.code, status }, error.message)
      return sendErrorPage(request, reply, status, error.code)
    })
  },
  { name: 'shopfront-error-pages', dependencies: ['shopfront-views'] },
)

/**
 * The root context's handler: errors that escape an area's own handler (or
 * an error page that itself failed) still answer without internals.
 */
export function lastResortErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = statusOf(error)
  if (status >= 500) request.log.error({ err: error }, 'request failed')
  const copy = errorCopy(status, error.code)
  reply.code(status).header('cache-control', 'no-store')
  if (request.url.startsWith('/api/')) {
    return reply.type('application/problem+json; charset=utf-8').send(problemBody(status))
  }
  return reply.type('text/html; charset=utf-8').send(plainErrorPage(copy, status >= 500 ? request.id : null))
}

async function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, code?: string) {
  const copy = errorCopy(status, code)
  reply.code(status)
  try {
    return await reply.render('errors/error', withFields(copy, { status, description: copy.message, noindex: true }))
  } catch (renderError) {
    request.log.error({ err: renderError }, 'error page could not be rendered')
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(plainErrorPage(copy, status >= 500 ? request.id : null))
  }
}

function plainErrorPage(copy: ErrorCopy, requestId: string | null): string {
  const id = requestId ? `<p>Reference: <code>${escapeHtml(requestId)}</code></p>` : ''
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(copy.title)}</title></head><body><main><h1>${escapeHtml(copy.title)}</h1><p>${escapeHtml(copy.message)}</p>${id}<p><a href="/">Go to the home page</a></p></main></body></html>`
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

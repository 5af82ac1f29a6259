import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

interface ErrorCopy {
  title: string
  message: string
}

const COPY: Record<number, ErrorCopy> = {
  400: { title: 'Bad request', message: 'Your browser sent something this shop could not understand.' },
  403: {
    title: 'This form could not be sent',
    message:
      'For your security, a form has to come from this shop and be fresh. Go back, reload the page and try again.',
  },
  404: {
    title: 'Page not found',
    message: 'There is no page at this address. It may have moved, or the link may be mistyped.',
  },
  405: { title: 'Not allowed', message: 'This page cannot be used that way.' },
  413: { title: 'Too much data', message: 'What you sent is larger than this shop accepts.' },
  422: { title: 'Unprocessable content', message: 'Some of what you sent needs to be corrected.' },
  415: { title: 'Unsupported form', message: 'This shop cannot read data sent in that format.' },
  429: { title: 'Too many requests', message: 'Please wait a moment and try again.' },
  500: {
    title: 'Something went wrong',
    message: 'Sorry, this page could not be shown. Please try again in a moment.',
  },
}

/** The status a failed request answers with: a client error keeps its own, anything else is a 500. */
export function statusOf(error: FastifyError): number {
  const status = error.statusCode ?? 500
  return status >= 400 && status < 600 ? status : 500
}

export function errorCopy(status: number): ErrorCopy {
  return COPY[status] ?? (status >= 500 ? (COPY[500] as ErrorCopy) : (COPY[400] as ErrorCopy))
}

/**
 * 404 and error pages for people, in the shop's layout. Only the request id
 * of a 500 is shown; the error itself goes to the log. If even the layout
 * cannot be rendered (the database is down), a plain page is sent instead.
 */
export const errorPagesPlugin = fp(
  async (app: FastifyInstance) => {
    app.setNotFoundHandler((request, reply) => sendErrorPage(request, reply, 404))

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = statusOf(error)
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ code: error.code, status }, error.message)
      return sendErrorPage(request, reply, status)
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
  const copy = errorCopy(status)
  reply.code(status).header('cache-control', 'no-store')
  if (request.url.startsWith('/api/')) {
    return reply
      .type('application/problem+json; charset=utf-8')
      .send({ type: 'about:blank', title: copy.title, status })
  }
  return reply.type('text/html; charset=utf-8').send(plainErrorPage(copy, status >= 500 ? request.id : null))
}

async function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number) {
  const copy = errorCopy(status)
  reply.code(status)
  try {
    return await reply.render('errors/error', { ...copy, status, description: copy.message, noindex: true })
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

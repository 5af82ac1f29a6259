import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { databaseUnavailable } from '../db/dialect/unavailable.js'
import { errorCopy, type Problem, problemBody, statusOf } from '../lib/http-errors.js'
import { FAILURE_STATUS, type Failure } from '../lib/outcomes.js'
import { BusyError } from '../lib/work-limit.js'
import { ApiValidationError } from './api-validation.js'

declare module 'fastify' {
  interface FastifyReply {
    problem(status: number, detail?: string, extra?: Partial<Problem>): FastifyReply
    /** A service's failure as problem+json: the API's side of plugins/outcomes.ts, with the same statuses. */
    problemFor(failure: Failure): FastifyReply
  }
}

/**
 * A refusal a route or hook throws with its own words for the client (an
 * authentication or rate-limit answer), sent as a problem with its headers.
 */
export class ProblemError extends Error {
  readonly code = 'SHOP_PROBLEM'
  constructor(
    readonly statusCode: number,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail)
  }
}

/**
 * Errors under /api as application/problem+json. A server error shows its
 * request id and nothing of the error itself.
 */
export const problemPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateReply(
      'problem',
      function (this: FastifyReply, status: number, detail?: string, extra?: Partial<Problem>) {
        return this.code(status)
          .header('cache-control', 'no-store')
          .type('application/problem+json; charset=utf-8')
          .send(problemBody(status, detail, extra))
      },
    )

    app.decorateReply('problemFor', function (this: FastifyReply, failure: Failure) {
      const status = FAILURE_STATUS[failure.kind]
      switch (failure.kind) {
        case 'invalid':
          return this.problem(status, 'Some fields need to be corrected.', { errors: failure.errors })
        case 'refused':
          return this.problem(status, failure.message)
        default:
          return this.problem(status, errorCopy(status).message)
      }
    })

    app.setNotFoundHandler((request, reply) =>
      reply.problem(404, `There is no API resource at ${request.method} ${request.url.split('?', 1)[0]}.`),
    )

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const unavailable = databaseUnavailable(error)
      if (unavailable) {
        request.log.warn({ err: error }, unavailable.message)
        return reply.headers(unavailable.headers).problem(503, 'The shop cannot answer right now; try again shortly.')
      }
      if (error instanceof ProblemError) return reply.headers(error.headers).problem(error.statusCode, error.message)
      // Too many passwords being hashed at once (a sign-up): the client is told when to try again, as a page would be.
      if (error instanceof BusyError) return reply.headers(error.headers).problem(503, `${error.message}.`)
      if (error instanceof ApiValidationError)
        return reply.problem(error.statusCode, error.message, { errors: error.errors })
      const status = statusOf(error)
      if (status >= 500) {
        request.log.error({ err: error }, 'API request failed')
        return reply.problem(status, `The request could not be completed. Reference: ${request.id}`)
      }
      request.log.info({ code: error.code, status }, error.message)
      return reply.problem(status, publicDetail(error, status))
    })
  },
  { name: 'shopfront-problem' },
)

/** A client error's message is ours or Fastify's own wording about the request, never internals. */
function publicDetail(error: FastifyError, status: number): string {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Send the request body as application/json.'
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.'
  if (error.code?.startsWith('FST_ERR_CTP') || error.validation)
    return 'The request body is not valid JSON of the expected shape.'
  return errorCopy(status).message
}

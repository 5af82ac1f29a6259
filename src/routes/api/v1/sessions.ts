import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { noBody } from '../../../lib/api-schemas.js'
import { accessTokenJson, signInApp, signInBody, signOutApp } from '../../../modules/accounts/accounts.api.js'
import { BEARER_CHALLENGE, customerOf, requireCustomer } from '../../../plugins/api-auth.js'
import { apiAccountContext } from './_account-context.js'

const WAIT_STATUS = { throttled: 429, busy: 503 } as const

export default async function sessionsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.post(
    '/sessions',
    {
      schema: {
        tags: ['Customers'],
        summary: 'Sign a customer in: an access token for their app',
        description:
          'The HTML sign-in’s checks, throttling and audit log. A wrong address or password is 401 with the same words for both. An account with two-factor sign-in needs `code` (from the authenticator app, or a recovery code): without it the answer is 401 with `errors.code`, and the client asks for the code and sends everything again. After 5 failures in 15 minutes for an address (20 for a client address) each try waits 1 minute, then 2, 4, … up to an hour: 429 with Retry-After. Staff accounts are refused (403): they sign in to the back office, and outside services use API keys. The token lasts 30 days and appears on the customer’s devices page, where it can be signed out.',
        body: signInBody,
        response: { 201: accessTokenJson.describe('Signed in: the app’s access token, shown this once.') },
      },
    },
    async (request, reply) => {
      const result = await signInApp(app.db, request.body, apiAccountContext(request))
      switch (result.kind) {
        case 'signed-in':
          return reply.code(201).header('cache-control', 'no-store').send(result.answer)
        case 'throttled':
        case 'busy':
          return reply
            .header('retry-after', String(result.retryAfterSeconds))
            .problem(WAIT_STATUS[result.kind], firstOf(result.errors), { errors: result.errors })
        case 'code-needed':
          return reply
            .headers(BEARER_CHALLENGE)
            .problem(401, 'This account has two-factor sign-in: send the code from the authenticator app as code.', {
              errors: result.errors,
            })
        case 'invalid':
          return reply.headers(BEARER_CHALLENGE).problem(401, firstOf(result.errors), { errors: result.errors })
        case 'refused':
          return reply.problem(403, `${result.message}.`)
      }
    },
  )

  app.delete(
    '/sessions/current',
    {
      schema: {
        tags: ['Customers'],
        summary: 'Sign out: the access token sent stops working at once',
        security: [{ customerToken: [] }],
        response: { 204: noBody('Signed out.') },
      },
      preHandler: requireCustomer,
    },
    async (request, reply) => {
      await signOutApp(app.db, customerOf(request), apiAccountContext(request))
      return reply.code(204).send(null)
    },
  )
}

/** A problem's detail: the first field's message, a sentence. */
function firstOf(errors: Record<string, string>): string {
  const first = Object.values(errors)[0] ?? 'Signing in failed'
  return first.endsWith('.') ? first : `${first}.`
}

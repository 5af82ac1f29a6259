import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { signUpAnswer, signUpAnswerFor, signUpBody } from '../../../modules/accounts/accounts.api.js'
import { signUp } from '../../../modules/accounts/accounts.service.js'
import { apiAccountContext } from './_account-context.js'

export default async function customersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.post(
    '/customers',
    {
      schema: {
        tags: ['Customers'],
        summary: 'Create a customer account (sign up)',
        description:
          'The HTML sign-up’s rules and messages. An email to confirm the address goes out; when the address already has an account, its owner is emailed instead and the answer is the same 202, so sign-up never tells which addresses are registered. No token is given: sign in next with POST /api/v1/sessions (an unconfirmed address can sign in). A client address may make 10 sign-ups an hour (429 with Retry-After beyond that, shared with the HTML form).',
        body: signUpBody,
        response: { 202: signUpAnswer.describe('Accepted: an email is on its way to the address.') },
      },
    },
    async (request, reply) => {
      const result = await signUp(app.db, request.body, apiAccountContext(request))
      if (result.kind === 'throttled') {
        return reply.header('retry-after', String(result.retryAfterSeconds)).problem(429, result.refusal.message)
      }
      app.wakeMailWorker()
      return reply.code(202).header('cache-control', 'no-store').send(signUpAnswerFor(result.email))
    },
  )
}

import type { FastifyInstance } from 'fastify'
import { isFailure, withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { contactMessageInput } from '../../modules/contact/contact.forms.js'
import { submitContactMessage } from '../../modules/contact/contact.service.js'
import { siteOrigin } from '../../plugins/csrf.js'

export default async function contactMessagesRoutes(app: FastifyInstance) {
  app.post('/contact-messages', async (request, reply) => {
    const context = { baseUrl: siteOrigin(app.config, request), ip: request.ip }
    const result = await withValid(validate(contactMessageInput, request.body), (input) =>
      submitContactMessage(app.db, input, context),
    )
    if (isFailure(result)) return reply.problemFor(result)
    if (result.kind === 'throttled') {
      reply.header('retry-after', String(result.retryAfterSeconds))
      return reply.problem(429, result.refusal.message)
    }
    app.wakeMailWorker()
    const { id, created_at } = result.message
    return reply.code(201).send({ id, createdAt: created_at })
  })
}

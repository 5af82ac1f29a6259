import type { FastifyInstance } from 'fastify'
import { tooManyMessages } from '../../modules/contact/contact.forms.js'
import { submitContactMessage } from '../../modules/contact/contact.service.js'
import { siteOrigin } from '../../plugins/csrf.js'

export default async function contactMessagesRoutes(app: FastifyInstance) {
  app.post('/contact-messages', async (request, reply) => {
    const result = await submitContactMessage(app.db, request.body, {
      baseUrl: siteOrigin(app.config, request),
      ip: request.ip,
    })
    if (!result.ok && 'retryAfterSeconds' in result) {
      reply.header('retry-after', String(result.retryAfterSeconds))
      return reply.problem(429, tooManyMessages(result.retryAfterSeconds))
    }
    if (!result.ok) {
      return reply.problem(422, 'Some fields need to be corrected.', { errors: result.errors })
    }
    app.wakeMailWorker()
    const { id, created_at } = result.value
    return reply.code(201).send({ id, createdAt: created_at })
  })
}

import type { FastifyInstance } from 'fastify'
import { submitContactMessage } from '../../modules/contact/contact.service.js'
import { siteOrigin } from '../../plugins/csrf.js'

export default async function contactMessagesRoutes(app: FastifyInstance) {
  app.post('/contact-messages', async (request, reply) => {
    const result = await submitContactMessage(app.db, request.body, { baseUrl: siteOrigin(app.config, request) })
    if (!result.ok) {
      return reply.problem(422, 'Some fields need to be corrected.', { errors: result.errors })
    }
    app.wakeMailWorker()
    const { id, created_at } = result.value
    return reply.code(201).send({ id, createdAt: created_at })
  })
}

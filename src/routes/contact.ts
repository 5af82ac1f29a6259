import type { FastifyInstance } from 'fastify'
import { formValues } from '../lib/forms.js'
import { withValid } from '../lib/outcomes.js'
import { validate } from '../lib/validation.js'
import { contactMessageInput } from '../modules/contact/contact.forms.js'
import { submitContactMessage } from '../modules/contact/contact.service.js'
import { siteOrigin } from '../plugins/csrf.js'

const page = { title: 'Contact us', description: 'Send the shop a message. We answer every one.' }

export default async function contactRoutes(app: FastifyInstance) {
  app.get('/contact', async (_request, reply) => reply.render('contact/new', { ...page, values: {}, errors: {} }))

  app.post('/contact', async (request, reply) => {
    const context = { baseUrl: siteOrigin(app.config, request), ip: request.ip }
    const result = await withValid(validate(contactMessageInput, request.body), (input) =>
      submitContactMessage(app.db, input, context),
    )
    if (result.kind === 'throttled') {
      // The message is kept in the form, to send when the wait is over; no session is started for it.
      reply.code(429).header('retry-after', String(result.retryAfterSeconds))
      return reply.render('contact/new', {
        ...page,
        values: formValues(request.body),
        errors: {},
        refusal: result.refusal,
      })
    }
    return reply.answer(result, {
      done: ({ message }) => {
        app.wakeMailWorker()
        return {
          to: '/contact',
          flash: `Thank you, ${message.name}. Your message has been sent; we will reply to ${message.email}.`,
        }
      },
      back: '/contact',
      form: (sent) => reply.render('contact/new', { ...page, ...sent }),
    })
  })
}

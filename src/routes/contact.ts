import type { FastifyInstance } from 'fastify'
import { formValues } from '../lib/forms.js'
import { tooManyMessages } from '../modules/contact/contact.forms.js'
import { submitContactMessage } from '../modules/contact/contact.service.js'
import { siteOrigin } from '../plugins/csrf.js'

const page = { title: 'Contact us', description: 'Send the shop a message. We answer every one.' }

export default async function contactRoutes(app: FastifyInstance) {
  app.get('/contact', async (_request, reply) => reply.render('contact/new', { ...page, values: {}, errors: {} }))

  app.post('/contact', async (request, reply) => {
    const result = await submitContactMessage(app.db, request.body, {
      baseUrl: siteOrigin(app.config, request),
      ip: request.ip,
    })
    if (!result.ok && 'retryAfterSeconds' in result) {
      // The message is kept in the form, to send when the wait is over; no session is started for it.
      return reply
        .code(429)
        .header('retry-after', String(result.retryAfterSeconds))
        .render('contact/new', {
          ...page,
          values: formValues(request.body),
          errors: {},
          refusal: {
            title: 'Please wait before you send another message',
            message: tooManyMessages(result.retryAfterSeconds),
          },
        })
    }
    if (!result.ok) {
      return reply.formErrors('contact/new', page, result.errors)
    }
    app.wakeMailWorker()
    request.flash(
      'success',
      `Thank you, ${result.value.name}. Your message has been sent; we will reply to ${result.value.email}.`,
    )
    return reply.redirect('/contact', 303)
  })
}

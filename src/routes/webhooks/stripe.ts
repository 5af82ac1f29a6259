import type { FastifyInstance } from 'fastify'
import Stripe from 'stripe'
import { handleStripeEvent } from '../../modules/payments/payment.service.js'
import type { StripeCheckout } from '../../modules/payments/stripe-checkout.js'
import { siteOrigin } from '../../plugins/csrf.js'
import { problemPlugin } from '../../plugins/problem.js'

/** Stripe's events are small; anything far larger is not from Stripe. */
const BODY_LIMIT = 512 * 1024

/**
 * POST /webhooks/stripe: Stripe tells the shop a payment completed, expired
 * or failed. Registered only when the Stripe keys are set. Outside the HTML
 * area: no session, no CSRF form token. The library checks the signature
 * against the raw body, so the body is kept as bytes. A 2xx tells Stripe the
 * event is safely stored; anything else makes it send the event again.
 */
export default async function stripeWebhookRoutes(app: FastifyInstance, opts: { stripe: StripeCheckout }) {
  await app.register(problemPlugin)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  )

  app.post('/stripe', async (request, reply) => {
    const signature = request.headers['stripe-signature']
    if (typeof signature !== 'string' || !Buffer.isBuffer(request.body)) {
      return reply.problem(400, 'A Stripe webhook needs a Stripe-Signature header and a JSON body.')
    }
    let event: Stripe.Event
    try {
      event = opts.stripe.verifyEvent(request.body, signature)
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
        request.log.warn({ reason: err.message }, 'a Stripe webhook with a signature that does not verify was refused')
        return reply.problem(400, 'The Stripe-Signature header does not match this body and the shop’s webhook secret.')
      }
      return reply.problem(400, 'The body is not a Stripe event in JSON.')
    }
    const handled = await handleStripeEvent(app.db, event, { baseUrl: siteOrigin(app.config, request) })
    if (!handled.duplicate) {
      const entry = { event: event.id, type: event.type, outcome: handled.outcome }
      // Money taken that the shop could not apply: staff are emailed, and it stands out in the log too.
      if (handled.attention) request.log.error(entry, 'a Stripe payment needs attention')
      else request.log.info(entry, 'Stripe event handled')
      app.wakeMailWorker()
    }
    return reply.header('cache-control', 'no-store').send({ received: true, ...handled })
  })
}

import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'

/** A Checkout Session as the stand-in keeps it: the fields Stripe sends that the shop reads. */
export interface FakeSession {
  id: string
  object: 'checkout.session'
  mode: string
  status: 'open' | 'complete' | 'expired'
  payment_status: 'unpaid' | 'paid'
  amount_total: number
  currency: string
  customer_email: string | null
  client_reference_id: string | null
  metadata: Record<string, string>
  success_url: string
  cancel_url: string
  expires_at: number
  url: string
  payment_intent: string | null
}

export interface FakeEvent {
  id: string
  object: 'event'
  type: string
  created: number
  livemode: false
  data: { object: FakeSession }
}

export interface FakeStripe {
  /** Origin of the stand-in: STRIPE_API_URL for the shop, and where its payment page is. */
  url: string
  secretKey: string
  webhookSecret: string
  sessions: Map<string, FakeSession>
  /** Refunds made, by id: the payment they give back from and how much. */
  refunds: Map<string, { payment_intent: string; amount: number }>
  /** Every API call the shop made: method, path and idempotency key. */
  calls: { method: string; path: string; idempotencyKey: string | undefined }[]
  /** Events made by payments and expiries, in order; deliver() sends one to the shop. */
  events: FakeEvent[]
  /** When true, a payment on the stand-in's page sends its webhook before the shopper is sent back. */
  autoDeliver: boolean
  /** While true, every API call fails as if Stripe could not be reached. */
  down: boolean
  /** While true, every API call is refused as a bad request (400), as Stripe refuses an amount it will not take. */
  refusing: boolean
  /** Called when a session is made, before Stripe answers: a test can change the shop meanwhile. */
  onCreate: ((session: FakeSession) => Promise<void>) | null
  /** Completes a session as a shopper paying on the page would; returns its event. */
  pay(sessionId: string): FakeEvent
  /** The body and Stripe-Signature header of an event, signed by the library's own test helper. */
  signed(
    event: FakeEvent | object,
    options?: { secret?: string; timestamp?: number },
  ): { payload: string; signature: string }
  /** Posts an event to the shop the session belongs to (its success URL's origin), signed; returns the status. */
  deliver(event: FakeEvent): Promise<number>
  close(): Promise<void>
}

/**
 * A local stand-in for the few Stripe API calls the shop makes (create,
 * retrieve and expire a Checkout Session) and for Stripe's hosted payment
 * page, so tests run the official library against real HTTP. Webhooks it
 * sends are signed with `stripe.webhooks.generateTestHeaderString`. Answers
 * mirror Stripe's: form-encoded requests, Bearer auth, idempotency keys,
 * errors as `{ error: { type, message } }`.
 */
export async function startFakeStripe(
  options: { secretKey?: string; webhookSecret?: string; autoDeliver?: boolean } = {},
): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`
  const stripe = new Stripe(secretKey)
  const sessions = new Map<string, FakeSession>()
  const refunds = new Map<string, { payment_intent: string; amount: number }>()
  const byIdempotencyKey = new Map<string, { body: string; sessionId: string }>()
  const events: FakeEvent[] = []
  const calls: FakeStripe['calls'] = []

  const event = (type: string, session: FakeSession): FakeEvent => {
    const made: FakeEvent = {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { ...session } },
    }
    events.push(made)
    return made
  }

  const fake: FakeStripe = {
    url: '',
    secretKey,
    webhookSecret,
    sessions,
    refunds,
    calls,
    events,
    autoDeliver: options.autoDeliver ?? true,
    down: false,
    refusing: false,
    onCreate: null,
    pay(sessionId) {
      const session = sessions.get(sessionId)
      if (session?.status !== 'open' || !session) throw new Error(`session ${sessionId} is not open`)
      session.status = 'complete'
      session.payment_status = 'paid'
      session.payment_intent = `pi_test_${randomBytes(12).toString('hex')}`
      return event('checkout.session.completed', session)
    },
    signed(body, options = {}) {
      const payload = JSON.stringify(body)
      const signature = stripe.webhooks.generateTestHeaderString({
        payload,
        secret: options.secret ?? webhookSecret,
        ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      })
      return { payload, signature }
    },
    async deliver(made) {
      const { payload, signature } = fake.signed(made)
      const response = await fetch(new URL('/webhooks/stripe', made.data.object.success_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      })
      await response.arrayBuffer()
      return response.status
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  async function api(request: IncomingMessage, response: ServerResponse, path: string, body: string) {
    calls.push({
      method: request.method ?? '',
      path,
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
    })
    if (fake.down) {
      request.socket.destroy()
      return
    }
    if (fake.refusing) {
      return json(response, 400, {
        error: { type: 'invalid_request_error', message: 'Amount must be at least 30 pence' },
      })
    }
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      return json(response, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } })
    }
    if (request.method === 'POST' && path === '/v1/checkout/sessions') {
      const key = request.headers['idempotency-key'] as string | undefined
      const earlier = key ? byIdempotencyKey.get(key) : undefined
      if (earlier) {
        if (earlier.body !== body) {
          return json(response, 400, {
            error: {
              type: 'idempotency_error',
              message: 'Keys for idempotent requests can only be used with the same parameters',
            },
          })
        }
        return json(response, 200, sessions.get(earlier.sessionId))
      }
      const form = new URLSearchParams(body)
      const id = `cs_test_${randomBytes(16).toString('hex')}`
      const session: FakeSession = {
        id,
        object: 'checkout.session',
        mode: form.get('mode') ?? 'payment',
        status: 'open',
        payment_status: 'unpaid',
        amount_total:
          Number(form.get('line_items[0][price_data][unit_amount]')) * Number(form.get('line_items[0][quantity]')),
        currency: form.get('line_items[0][price_data][currency]') ?? '',
        customer_email: form.get('customer_email'),
        client_reference_id: form.get('client_reference_id'),
        metadata: Object.fromEntries(
          [...form].flatMap(([k, v]) => {
            const name = /^metadata\[(.+)\]$/.exec(k)?.[1]
            return name ? [[name, v]] : []
          }),
        ),
        success_url: form.get('success_url') ?? '',
        cancel_url: form.get('cancel_url') ?? '',
        expires_at: Number(form.get('expires_at') ?? Math.floor(Date.now() / 1000) + 86_400),
        url: `${fake.url}/c/pay/${id}`,
        payment_intent: null,
      }
      sessions.set(id, session)
      if (key) byIdempotencyKey.set(key, { body, sessionId: id })
      await fake.onCreate?.(session)
      return json(response, 200, session)
    }
    if (request.method === 'POST' && path === '/v1/refunds') {
      const form = new URLSearchParams(body)
      const key = request.headers['idempotency-key'] as string | undefined
      const earlier = key ? byIdempotencyKey.get(key) : undefined
      if (earlier)
        return json(response, 200, { id: earlier.sessionId, object: 'refund', ...refunds.get(earlier.sessionId) })
      const intent = form.get('payment_intent') ?? ''
      const paid = [...sessions.values()].find((s) => s.payment_intent === intent)
      if (!paid)
        return json(response, 400, {
          error: { type: 'invalid_request_error', message: `No such payment_intent: '${intent}'` },
        })
      const given = [...refunds.values()].filter((r) => r.payment_intent === intent).reduce((n, r) => n + r.amount, 0)
      const amount = Number(form.get('amount') ?? paid.amount_total - given)
      if (amount > paid.amount_total - given) {
        return json(response, 400, {
          error: {
            type: 'invalid_request_error',
            message: 'Refund amount is greater than unrefunded amount on charge',
          },
        })
      }
      const id = `re_test_${randomBytes(12).toString('hex')}`
      refunds.set(id, { payment_intent: intent, amount })
      if (key) byIdempotencyKey.set(key, { body, sessionId: id })
      return json(response, 200, { id, object: 'refund', payment_intent: intent, amount, status: 'succeeded' })
    }
    const match = /^\/v1\/checkout\/sessions\/([\w]+)(\/expire)?$/.exec(path)
    const session = match ? sessions.get(match[1] ?? '') : undefined
    if (!session) {
      return json(response, 404, { error: { type: 'invalid_request_error', message: 'No such checkout.session' } })
    }
    if (request.method === 'GET' && !match?.[2]) return json(response, 200, session)
    if (request.method === 'POST' && match?.[2]) {
      if (session.status !== 'open') {
        return json(response, 400, {
          error: {
            type: 'invalid_request_error',
            message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
          },
        })
      }
      session.status = 'expired'
      event('checkout.session.expired', session)
      return json(response, 200, session)
    }
    return json(response, 404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } })
  }

  /** The stand-in's payment page: a pay button, and a way back to the shop. */
  async function page(request: IncomingMessage, response: ServerResponse, id: string) {
    const session = sessions.get(id)
    if (!session) return html(response, 404, 'Not found', '<p>There is no such payment.</p>')
    if (session.status !== 'open') {
      return html(response, 410, 'Payment closed', '<p>This payment is no longer open.</p>')
    }
    if (request.method === 'POST') {
      const paid = fake.pay(id)
      if (fake.autoDeliver) await fake.deliver(paid)
      response.writeHead(303, { location: session.success_url }).end()
      return
    }
    const amount = new Intl.NumberFormat('en-GB', {
      style: 'currency',
      currency: session.currency.toUpperCase(),
    }).format(session.amount_total / 100)
    return html(
      response,
      200,
      'Pay with Stripe (test stand-in)',
      `<p>Order ${escapeHtml(session.client_reference_id ?? '')} for ${escapeHtml(session.customer_email ?? '')}</p>
<form method="post" action="/c/pay/${escapeHtml(id)}"><button type="submit">Pay ${escapeHtml(amount)}</button></form>
<p><a href="${escapeHtml(session.cancel_url)}">Back to the shop</a></p>`,
    )
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = (request.url ?? '/').split('?', 1)[0] ?? '/'
      const body = Buffer.concat(chunks).toString('utf8')
      const pay = /^\/c\/pay\/([\w]+)$/.exec(path)
      const handled = pay ? page(request, response, pay[1] ?? '') : api(request, response, path, body)
      handled.catch((err: Error) => {
        if (!response.headersSent) json(response, 500, { error: { type: 'api_error', message: err.message } })
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

function html(response: ServerResponse, status: number, title: string, body: string) {
  response
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
    .end(
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    )
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

import type { FastifyInstance, FastifyReply } from 'fastify'
import { formValues } from '../lib/forms.js'
import { withValid } from '../lib/outcomes.js'
import { type FieldErrors, validate } from '../lib/validation.js'
import { returnPathInput, secondFactorInput, signInInput, signInPageInput } from '../modules/accounts/accounts.forms.js'
import { landingPath, signIn, signInSecondStep, type Wait } from '../modules/accounts/sign-in.service.js'
import { awaitSecondFactor, finishSignIn, pendingSignIn } from '../plugins/auth.js'

const page = { title: 'Sign in', description: 'Sign in to your account.' }
const secondStep = { title: 'Two-factor sign-in', noindex: true }
type Form = (sent: { values: Record<string, string>; errors: FieldErrors }) => unknown

export default async function loginRoutes(app: FastifyInstance) {
  app.get('/login', async (request, reply) => {
    const { next, signedOut } = signInPageInput.parse(request.query)
    if (request.user) return reply.redirect(next || landingPath(request.user), 303)
    return reply.render('login/new', { ...page, values: {}, errors: {}, next, signedOut })
  })

  app.post('/login', async (request, reply) => {
    const { next } = returnPathInput.parse(request.body)
    const form: Form = (sent) => reply.render('login/new', { ...page, ...sent, next })
    const result = await withValid(validate(signInInput, request.body), (input) =>
      signIn(app.db, input, request.accountContext()),
    )
    if (result.kind === 'throttled' || result.kind === 'busy') return wait(reply, result, form)
    if (result.kind === 'signed-in') await finishSignIn(request, reply, result.user, result.remember)
    if (result.kind === 'second-factor') {
      const { user, remember } = result
      await awaitSecondFactor(request, { userId: user.id, remember, next: next || landingPath(user) })
    }
    return reply.answer(result, {
      done: (ok) =>
        ok.kind === 'signed-in'
          ? { to: next || landingPath(ok.user), flash: `Welcome back, ${ok.user.name}.` }
          : { to: '/login/two-factor' },
      back: '/login',
      form,
    })
  })

  app.get('/login/two-factor', async (request, reply) => {
    if (!pendingSignIn(request)) return reply.redirect('/login', 303)
    return reply.render('login/two-factor', { ...secondStep, errors: {} })
  })

  app.post('/login/two-factor', async (request, reply) => {
    const form: Form = ({ errors }) => reply.render('login/two-factor', { ...secondStep, errors })
    const checked = validate(secondFactorInput, request.body)
    const result = await signInSecondStep(app.db, pendingSignIn(request), checked, request.accountContext())
    if (result.kind === 'throttled' || result.kind === 'busy') return wait(reply, result, form)
    if (result.kind === 'signed-in') await finishSignIn(request, reply, result.user, result.remember)
    return reply.answer(result, {
      done: (ok) => ({ to: ok.next, flash: `Welcome back, ${ok.user.name}.` }),
      back: '/login',
      form,
    })
  })
}

const WAIT_STATUS = { throttled: 429, busy: 503 } as const

/** Asked to wait: the same form again, with when to try. */
function wait(reply: FastifyReply, result: Wait, form: Form) {
  reply.code(WAIT_STATUS[result.kind]).header('retry-after', String(result.retryAfterSeconds))
  return form({ values: formValues(reply.request.body), errors: result.errors })
}

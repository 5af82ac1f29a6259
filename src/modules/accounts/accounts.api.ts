import { z } from 'zod'
import { type Db, inTransaction } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { type Invalid, type Missing, missing, type Refused } from '../../lib/outcomes.js'
import { describeApp } from '../../lib/user-agent.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import { issueCustomerToken, revokeCustomerTokens } from '../api-access/api-access.service.js'
import { ENTER_CODE, secondFactorInput, signInInput, signUpInput } from './accounts.forms.js'
import type { RequestContext } from './request-context.js'
import { signIn, signInSecondStep, signOut, type Wait } from './sign-in.service.js'
import { findUserById } from './users.repository.js'

/**
 * Customer accounts as the JSON API shows and takes them: the bodies are the
 * HTML forms' fields with the forms' rules (and no others), the services are
 * the HTML sign-up's and sign-in's, and a completed sign-in gives the app an
 * access token instead of a session.
 */

export const customerJson = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    email_verified_at: z
      .string()
      .nullable()
      .describe('When the address was confirmed by the emailed link; null until then (signing in works meanwhile).'),
    two_factor_enabled: z.boolean().describe('Whether signing in needs a code from an authenticator app.'),
    created_at: z.string(),
  })
  .meta({ id: 'CustomerProfile', description: 'The signed-in customer’s own account.' })

export type CustomerJson = z.output<typeof customerJson>

export function customerJsonOf(user: User): CustomerJson {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    email_verified_at: user.email_verified_at,
    two_factor_enabled: user.totp_enabled_at !== null,
    created_at: user.created_at,
  }
}

/** POST /api/v1/customers: the sign-up form's fields and rules, and nothing else. */
export const signUpBody = z.strictObject(signUpInput.shape)

/** The same answer whether or not the address already had an account, so nobody learns which have one. */
export const signUpAnswer = z.object({
  email: z.string(),
  message: z.string(),
})

export function signUpAnswerFor(email: string): z.output<typeof signUpAnswer> {
  return {
    email,
    message: `We have sent an email to ${email}. Follow the link in it to confirm your address. You can sign in now.`,
  }
}

/** POST /api/v1/sessions: the sign-in form's address and password, and the second step's code when it is needed. */
export const signInBody = z.strictObject({
  email: signInInput.shape.email,
  password: signInInput.shape.password,
  code: secondFactorInput.shape.code
    .optional()
    .describe(
      'The 6-digit code from the authenticator app, or one of the recovery codes: needed when the account has two-factor sign-in.',
    ),
})

export type SignInBody = z.output<typeof signInBody>

export const accessTokenJson = z.object({
  access_token: z
    .string()
    .describe('sf_cus_…: send it as "Authorization: Bearer <token>". Shown this once; only its hash is kept.'),
  token_type: z.literal('Bearer'),
  expires_at: z.string().describe('Sign in again after this time.'),
  customer: customerJson,
})

export type AccessTokenJson = z.output<typeof accessTokenJson>

export type AppSignInResult =
  /** A wrong address, password or code (the HTML sign-in's words), or a closed account. */
  | Invalid
  /** A staff account: they sign in to the back office in a browser. */
  | Refused
  | Wait
  /** The password was right and the account has two-factor sign-in: send it again with `code`. */
  | { kind: 'code-needed'; errors: FieldErrors }
  | { kind: 'signed-in'; answer: AccessTokenJson }

/**
 * An app signs a customer in: the HTML sign-in's two steps in one request
 * (its throttles, password checks and audit entries, step by step), then an
 * access token named for the app. An account with two-factor sign-in needs
 * `code`; without it the password still counts as a right one (as the HTML
 * form's first step does) and the answer asks for the code.
 */
export async function signInApp(db: Db, input: SignInBody, ctx: RequestContext): Promise<AppSignInResult> {
  const first = await signIn(db, { email: input.email, password: input.password, remember: false }, ctx)
  if (first.kind === 'signed-in') return issue(db, first.user, ctx)
  if (first.kind !== 'second-factor') return first
  if (input.code === undefined) return { kind: 'code-needed', errors: { code: ENTER_CODE } }
  const pending = { userId: first.user.id, remember: false, next: '' }
  const second = await signInSecondStep(db, pending, validate(secondFactorInput, { code: input.code }), ctx)
  return second.kind === 'signed-in' ? issue(db, second.user, ctx) : second
}

async function issue(db: Db, user: User, ctx: RequestContext): Promise<AppSignInResult> {
  const { token, expiresAt } = await issueCustomerToken(db, user.id, describeApp(ctx.userAgent ?? ''))
  return {
    kind: 'signed-in',
    answer: { access_token: token, token_type: 'Bearer', expires_at: expiresAt, customer: customerJsonOf(user) },
  }
}

/** The app signs out: its token stops working at once, and the audit log has the sign-out as the HTML's. */
export async function signOutApp(db: Db, who: { userId: number; tokenId: number }, ctx: RequestContext): Promise<void> {
  await inTransaction(db, async (trx) => {
    await revokeCustomerTokens(trx, who.userId, who.tokenId)
    await signOut(trx, { id: who.userId }, ctx)
  })
}

export async function customerProfile(
  db: Db,
  userId: number,
): Promise<{ kind: 'found'; customer: CustomerJson } | Missing> {
  const user = await findUserById(db, userId)
  return user ? { kind: 'found', customer: customerJsonOf(user) } : missing
}

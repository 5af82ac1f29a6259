import { z } from 'zod'
import { parseId } from '../../lib/ids.js'
import { safeReturnPath } from '../../lib/return-path.js'
import { email, requiredText } from '../../lib/validation.js'
import { isCommonPassword, PASSWORD_MAX, PASSWORD_MIN } from './password.js'

/** A password being chosen: long enough, not absurdly long, not one everybody uses. No composition rules. */
export function newPassword(label = 'a password') {
  return z
    .string({ error: `Enter ${label}` })
    .min(1, `Enter ${label}`)
    .refine((p) => [...p].length >= PASSWORD_MIN, `Your password must be at least ${PASSWORD_MIN} characters`)
    .refine((p) => [...p].length <= PASSWORD_MAX, `Your password must be ${PASSWORD_MAX} characters or fewer`)
    .refine(
      (p) => !isCommonPassword(p),
      'This password is one of the most common ones. Choose one that is harder to guess',
    )
}

/** Required text with its own words: `missing` for none (or only spaces), `tooLong` past `max`. */
function text(missing: string, max: number, tooLong = missing) {
  return z.string({ error: missing }).trim().min(1, missing).max(max, tooLong)
}

/** A password being typed to prove who you are: only required. */
function currentPassword(label = 'your password') {
  return z
    .string({ error: `Enter ${label}` })
    .min(1, `Enter ${label}`)
    .max(PASSWORD_MAX * 4, `Enter ${label}`)
}

export const signUpInput = z.object({
  name: requiredText('your name', 100),
  email: email(),
  password: newPassword(),
})

export const signInInput = z.object({
  email: email(),
  password: currentPassword(),
  remember: z
    .string()
    .optional()
    .transform((v) => v === 'on' || v === 'true' || v === '1'),
})

export type SignUpInput = z.output<typeof signUpInput>
export type SignInInput = z.output<typeof signInInput>

/**
 * Where to go after signing in (`next=`): a path on this site, or '' when
 * none was asked for or the one asked for could leave the site — then where
 * to land depends on who signs in. Never an error: a bad one is ignored.
 */
const returnPath = z
  .unknown()
  .optional()
  .transform((next) => safeReturnPath(next, ''))

/** The sign-in form's own field besides the credentials, read even when they are wrong. */
export const returnPathInput = z.object({ next: returnPath }).catch({ next: '' })

/** The sign-in page's query string: `next=` and `signed_out=1` after signing out. */
export const signInPageInput = z
  .object({ next: returnPath, signed_out: z.unknown().optional() })
  .transform(({ next, signed_out }) => ({ next, signedOut: signed_out === '1' }))
  .catch({ next: '', signedOut: false })

/** What a sign-in's second step asks for: the API's answer to a sign-in without a code says it too. */
export const ENTER_CODE = 'Enter the 6-digit code from your authenticator app'

/** The second step of a sign-in, and the code that proves an authenticator app has the secret. */
export const secondFactorInput = z.object({ code: text(ENTER_CODE, 40) })

export type SecondFactorInput = z.output<typeof secondFactorInput>

/**
 * The token of an emailed link, as its page's query string and its form
 * carry it. A link's token is 43 characters; anything else — none, two, a
 * longer one — is no token of ours, and the page says the link is gone.
 */
export const linkTokenInput = z.object({ token: z.string().max(100).catch('') }).catch({ token: '' })

export const changeNameInput = z.object({ name: requiredText('your name', 100) })

export const changePasswordInput = z.object({
  currentPassword: currentPassword('your current password'),
  newPassword: newPassword('a new password'),
})

export const changeEmailInput = z.object({
  email: email('your new email address'),
  password: currentPassword(),
})

export const confirmWithPasswordInput = z.object({ password: currentPassword() })

export type ChangeNameInput = z.output<typeof changeNameInput>
export type ChangePasswordInput = z.output<typeof changePasswordInput>
export type ChangeEmailInput = z.output<typeof changeEmailInput>
export type ConfirmWithPasswordInput = z.output<typeof confirmWithPasswordInput>

/** Turning two-factor sign-in off: the password, checked against the account's. */
export const turnOffTwoFactorInput = z.object({
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password'),
})

export type TurnOffTwoFactorInput = z.output<typeof turnOffTwoFactorInput>

/** Someone invited to the staff makes their account: the link gives the address and role. */
export const acceptInvitationInput = z.object({
  name: text('Enter your name', 100, 'Keep your name to 100 characters'),
  password: newPassword(),
})

export type AcceptInvitationInput = z.output<typeof acceptInvitationInput>

export const SESSION_ALREADY_ENDED = 'That session had already ended.'
export const APP_ALREADY_SIGNED_OUT = 'That app had already been signed out.'

/** `/account/sessions/:id/ending`: an id that cannot be a session's has already ended, as far as anyone can tell. */
export const sessionEndingInput = z.object({
  id: z.string({ error: SESSION_ALREADY_ENDED }).min(1, SESSION_ALREADY_ENDED).max(100, SESSION_ALREADY_ENDED),
})

/** `/account/sessions/apps/:id/ending`: an app's access token by its id; anything else is 0, which no token has. */
export const appEndingInput = z.object({ id: z.string().catch('').transform(parseId) })

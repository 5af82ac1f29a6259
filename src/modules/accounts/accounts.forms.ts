import { z } from 'zod'
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

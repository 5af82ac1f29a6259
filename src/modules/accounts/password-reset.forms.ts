import { z } from 'zod'
import { email } from '../../lib/validation.js'
import { newPassword } from './accounts.forms.js'

export const forgotPasswordInput = z.object({ email: email() })

/** The new password; the link's token comes with it (see linkTokenInput) and is judged first. */
export const resetPasswordInput = z.object({ password: newPassword('a new password') })

export type ForgotPasswordInput = z.output<typeof forgotPasswordInput>
export type ResetPasswordInput = z.output<typeof resetPasswordInput>

import { z } from 'zod'
import { email } from '../../lib/validation.js'
import { newPassword } from './accounts.forms.js'

export const forgotPasswordInput = z.object({ email: email() })

export const resetPasswordInput = z.object({
  // A link's token is 43 characters; anything else is not one of ours.
  token: z.string({ error: 'This link is not complete' }).min(1, 'This link is not complete').max(100),
  password: newPassword('a new password'),
})

export type ForgotPasswordInput = z.output<typeof forgotPasswordInput>
export type ResetPasswordInput = z.output<typeof resetPasswordInput>

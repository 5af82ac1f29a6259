import { z } from 'zod'
import { email, requiredText } from '../../lib/validation.js'

/** A message from the contact page or POST /api/contact-messages. */
export const contactMessageInput = z.object({
  name: requiredText('your name', 100),
  email: email(),
  subject: requiredText('a subject', 150),
  message: requiredText('your message', 5000, 10),
})

export type ContactMessageInput = z.output<typeof contactMessageInput>

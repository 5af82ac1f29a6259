import { z } from 'zod'
import { email, requiredText } from '../../lib/validation.js'
import { describeWait } from '../accounts/throttle.js'

/** A message from the contact page or POST /api/contact-messages. */
export const contactMessageInput = z.object({
  name: requiredText('your name', 100),
  email: email(),
  subject: requiredText('a subject', 150),
  message: requiredText('your message', 5000, 10),
})

export type ContactMessageInput = z.output<typeof contactMessageInput>

/** What the form and the API say to a client address that has sent its share of messages this hour. */
export function tooManyMessages(retryAfterSeconds: number): string {
  return `Too many messages have been sent from your internet connection in the past hour. Wait ${describeWait(retryAfterSeconds)}, then try again.`
}

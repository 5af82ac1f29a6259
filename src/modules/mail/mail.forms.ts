import { z } from 'zod'
import { optionalIdText } from '../../lib/ids.js'

/** The outbox list's status filter and its keyset cursor, as the query string sends them. */
export const outboxFilterInput = z.object({
  status: z.enum(['', 'pending', 'sending', 'sent', 'failed']).default(''),
  before: optionalIdText(),
})

export type OutboxFilter = z.output<typeof outboxFilterInput>

import { z } from 'zod'
import { optionalIdText } from '../../lib/ids.js'

/** The activity list's filters (who, on what kind of thing) and its keyset cursor, as the query string sends them. */
export const activityFilterInput = z.object({
  actor: optionalIdText('Choose someone from the list'),
  subject: z.enum(['', 'order', 'product', 'category', 'customer', 'discount', 'settings', 'staff']).default(''),
  before: optionalIdText(),
})

export type ActivityFilter = z.output<typeof activityFilterInput>

import { z } from 'zod'
import { optionalIdText } from '../../lib/ids.js'

/** The customer list's search and its keyset cursor, as the query string sends them (and the CSV export's). */
export const customerFilterInput = z.object({
  q: z.string().trim().max(100, 'Search for at most 100 characters').default(''),
  before: optionalIdText(),
})

export type CustomerFilter = z.output<typeof customerFilterInput>

import type { Db } from '../../db/connection.js'
import type { TokenPurpose } from '../../db/schema.js'

/** How many tokens of this purpose were issued to a user since a moment, used or not. */
export async function countTokensIssuedSince(
  db: Db,
  userId: number,
  purpose: TokenPurpose,
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom('user_tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

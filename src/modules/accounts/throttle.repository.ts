import type { Db } from '../../db/connection.js'

/**
 * Whose failures to count: an account's from unknown devices, a client
 * address's, or one trusted device's.
 */
export type FailureScope = { email: string } | { ip: string } | { device: string }

/** Failures since `since` in one scope: how many, and the newest. */
export async function failuresSince(
  db: Db,
  scope: FailureScope,
  since: string,
): Promise<{ count: number; last: string | null }> {
  let query = db
    .selectFrom('sign_in_failures')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('at').as('last')])
    .where('at', '>', since)
  if ('email' in scope) query = query.where('email', '=', scope.email).where('device', 'is', null)
  else if ('ip' in scope) query = query.where('ip', '=', scope.ip)
  else query = query.where('device', '=', scope.device)
  const row = await query.executeTakeFirstOrThrow()
  return { count: Number(row.count), last: row.last ?? null }
}

export async function insertFailure(
  db: Db,
  row: { email: string; ip: string; at: string; device: string | null },
): Promise<number> {
  const inserted = await db.insertInto('sign_in_failures').values(row).returning('id').executeTakeFirstOrThrow()
  return inserted.id
}

export async function deleteFailure(db: Db, id: number): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('id', '=', id).execute()
}

export async function deleteFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<', before).execute()
}

/** Forgets every failure of an account, or those of one device. */
export async function deleteFailuresFor(db: Db, scope: { email: string } | { device: string }): Promise<void> {
  const query = db.deleteFrom('sign_in_failures')
  await ('email' in scope ? query.where('email', '=', scope.email) : query.where('device', '=', scope.device)).execute()
}

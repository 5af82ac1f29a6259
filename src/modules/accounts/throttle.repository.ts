import type { Db } from '../../db/connection.js'

/** Failures since `since` by this email or this client address: how many, and the newest. */
export async function failuresSince(
  db: Db,
  by: 'email' | 'ip',
  value: string,
  since: string,
): Promise<{ count: number; last: string | null }> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('at').as('last')])
    .where(by, '=', value)
    .where('at', '>', since)
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), last: row.last ?? null }
}

export async function insertFailure(db: Db, row: { email: string; ip: string; at: string }): Promise<void> {
  await db.insertInto('sign_in_failures').values(row).execute()
}

export async function deleteFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<', before).execute()
}

export async function deleteFailuresFor(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email', '=', email).execute()
}

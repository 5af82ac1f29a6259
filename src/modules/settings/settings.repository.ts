import type { Db } from '../../db/connection.js'
import type { SettingRow } from '../../db/schema.js'

export async function selectSettings(db: Db): Promise<SettingRow[]> {
  return db.selectFrom('settings').selectAll().execute()
}

export async function upsertSettings(db: Db, rows: SettingRow[]): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('settings')
    .values(rows)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute()
}

/** Adds the rows whose key is not set yet; keys already set keep their value. */
export async function insertMissingSettings(db: Db, rows: SettingRow[]): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('settings')
    .values(rows)
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
}

export async function countSettings(db: Db): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

import type { Db } from '../db/connection.js'
import { nowIso } from '../lib/time.js'
import { upsertSettings } from '../modules/settings/settings.repository.js'

/**
 * Settings stored as raw JSON text, past the service's checks: values as an older version of the shop
 * or a hand edit left them, which the service must still read safely.
 */
export async function storeSettingValues(db: Db, values: Record<string, string>): Promise<void> {
  const now = nowIso()
  await upsertSettings(
    db,
    Object.entries(values).map(([key, value]) => ({ key, value, updated_at: now })),
  )
}

import type { Updateable } from 'kysely'
import type { Db } from '../db/connection.js'
import type { ProductImportsTable } from '../db/schema.js'

/**
 * Product imports as a process or time would have left them — claimed by a process that died, tried
 * several times, last touched a week ago: the one with `id`, or all.
 */
export async function changeImports(
  db: Db,
  changes: Pick<
    Updateable<ProductImportsTable>,
    'status' | 'applied_by' | 'claimed_by' | 'locked_until' | 'attempts' | 'updated_at'
  >,
  id?: number,
): Promise<void> {
  let query = db.updateTable('product_imports').set(changes)
  if (id !== undefined) query = query.where('id', '=', id)
  await query.execute()
}

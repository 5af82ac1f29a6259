import type { Kysely } from 'kysely'

// Frozen once released: a later change to the schema is a new migration.

/**
 * Outside services read the orders changed since they last looked
 * (GET /api/v1/admin/orders?sort=updated), page by page in the order of
 * (updated_at, id): this index is that order, so a page is a range read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_updated_idx').on('orders').columns(['updated_at', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_updated_idx').execute()
}

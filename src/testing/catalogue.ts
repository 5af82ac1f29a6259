import type { Db } from '../db/connection.js'
import { nowIso } from '../lib/time.js'
import { insertCategory } from '../modules/catalogue/catalogue.repository.js'
import { createProduct, type NewProductInput, slugify } from '../modules/catalogue/catalogue.service.js'

let skuCounter = 0

export async function createCategory(db: Db, name: string, parentId: number | null = null): Promise<number> {
  const now = nowIso()
  return insertCategory(db, { name, slug: slugify(name), parent_id: parentId, created_at: now, updated_at: now })
}

/** An active product with one variant unless told otherwise. */
export async function createTestProduct(db: Db, input: Partial<NewProductInput> & { title: string }): Promise<number> {
  return createProduct(db, {
    status: 'active',
    variants: [{ sku: `TEST-${++skuCounter}`, price: 1000, stock: 5 }],
    ...input,
  })
}

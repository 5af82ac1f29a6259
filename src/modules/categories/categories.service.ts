import { type Db, inTransaction } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import type { Actor } from '../activity/activity.service.js'
import { type Changes, logActivity } from '../activity/activity.service.js'
import {
  insertCategory,
  selectCategoryById,
  selectCategoryIdBySlug,
  selectCategoryParents,
  selectCategorySiblings,
  selectLastCategoryPosition,
  updateCategoryRow,
} from '../catalogue/catalogue.repository.js'
import { slugify } from '../catalogue/catalogue.service.js'
import type { CategoryFields } from './categories.forms.js'

export type CategorySaveResult =
  | { kind: 'saved'; id: number }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'missing' }

const invalid = (field: string, message: string): CategorySaveResult => ({
  kind: 'invalid',
  errors: { [field]: message },
})

/** The categories below `id` (its children, theirs, …), to keep a category out of its own branch. */
async function descendantsOf(db: Db, id: number): Promise<Set<number>> {
  const all = await selectCategoryParents(db)
  const found = new Set<number>()
  const walk = (parent: number) => {
    for (const c of all) {
      if (c.parent_id === parent && !found.has(c.id)) {
        found.add(c.id)
        walk(c.id)
      }
    }
  }
  walk(id)
  return found
}

async function slugClash(db: Db, slug: string, exceptId: number | null) {
  const id = await selectCategoryIdBySlug(db, slug)
  return id !== undefined && id !== exceptId
}

/** Creates a category at the end of its parent's list. */
export async function createCategory(db: Db, fields: CategoryFields, actor: Actor): Promise<CategorySaveResult> {
  return inTransaction(db, async (trx): Promise<CategorySaveResult> => {
    const slug = fields.slug || slugify(fields.name)
    if (!slug) return invalid('slug', 'Give it a web address of letters or digits')
    if (await slugClash(trx, slug, null)) return invalid('slug', 'Another category has that web address')
    const position = (await selectLastCategoryPosition(trx, fields.parent_id)) + 1
    const now = nowIso()
    const row = { id: await insertCategory(trx, { ...fields, slug, position, created_at: now, updated_at: now }) }
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'category.created',
      subject: { type: 'category', id: row.id },
      summary: `Created the category ${fields.name}`,
    })
    return { kind: 'saved', id: row.id } as const
  })
}

/** Changes a category; it cannot move under itself or one of its own subcategories. */
export async function updateCategory(
  db: Db,
  id: number,
  fields: CategoryFields,
  actor: Actor,
): Promise<CategorySaveResult> {
  return inTransaction(db, async (trx): Promise<CategorySaveResult> => {
    const before = await selectCategoryById(trx, id)
    if (!before) return { kind: 'missing' } as const
    const slug = fields.slug || slugify(fields.name)
    if (!slug) return invalid('slug', 'Give it a web address of letters or digits')
    if (await slugClash(trx, slug, id)) return invalid('slug', 'Another category has that web address')
    if (
      fields.parent_id !== null &&
      (fields.parent_id === id || (await descendantsOf(trx, id)).has(fields.parent_id))
    ) {
      return {
        kind: 'invalid',
        errors: { parent_id: 'A category cannot go inside itself or one of its own subcategories' },
      } as const
    }
    const after = { ...fields, slug }
    const changes: Changes = {}
    for (const [field, value] of Object.entries(after)) {
      const old = before[field as keyof typeof before]
      if (old !== value) changes[field] = [old, value]
    }
    if (Object.keys(changes).length === 0) return { kind: 'saved', id } as const
    await updateCategoryRow(trx, id, { ...after, updated_at: nowIso() })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'category.updated',
      subject: { type: 'category', id },
      summary: `Changed the category ${after.name}`,
      changes,
    })
    return { kind: 'saved', id } as const
  })
}

/** Moves a category one place up or down among its siblings (the order the shop's menus show). */
export async function moveCategory(
  db: Db,
  id: number,
  direction: 'up' | 'down',
  actor: Actor,
): Promise<CategorySaveResult> {
  return inTransaction(db, async (trx): Promise<CategorySaveResult> => {
    const category = await selectCategoryById(trx, id)
    if (!category) return { kind: 'missing' } as const
    const siblings = await selectCategorySiblings(trx, category.parent_id)
    const at = siblings.findIndex((s) => s.id === id)
    const to = direction === 'up' ? at - 1 : at + 1
    const other = siblings[to]
    if (!other) return { kind: 'saved', id } as const
    // Number the siblings afresh in their new order, so equal positions left by older data sort out too.
    const order = siblings.map((s) => s.id)
    order.splice(at, 1)
    order.splice(to, 0, id)
    const now = nowIso()
    for (const [position, siblingId] of order.entries()) {
      await updateCategoryRow(trx, siblingId, { position, updated_at: now })
    }
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'category.moved',
      subject: { type: 'category', id },
      summary: `Moved the category ${category.name} ${direction}, ${direction === 'up' ? 'before' : 'after'} ${other.name}`,
    })
    return { kind: 'saved', id } as const
  })
}

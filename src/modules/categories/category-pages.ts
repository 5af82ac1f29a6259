import type { Db } from '../../db/connection.js'
import { missing } from '../../lib/outcomes.js'
import type { FieldErrors } from '../../lib/validation.js'
import { type CategoryNode, loadCategoryTree } from '../catalogue/catalogue.service.js'
import { categoryInput } from './categories.forms.js'

/** What the back office's category pages show: the tree, and the form shared by new and edit. */

/** The tree, and every category as a choice of parent, indented by depth, in the tree's order. */
async function choices(db: Db) {
  const tree = await loadCategoryTree(db)
  const list: { id: number; label: string }[] = []
  const walk = (nodes: CategoryNode[], depth: number) => {
    for (const node of nodes) {
      list.push({ id: node.id, label: `${'— '.repeat(depth)}${node.name}` })
      walk(node.children, depth + 1)
    }
  }
  walk(tree.roots, 0)
  return { tree, list }
}

/** Every category, in the shop's order. */
export async function categoriesPage(db: Db) {
  const { tree } = await choices(db)
  return { title: 'Categories', roots: tree.roots }
}

/** The category form's schema: a parent is one of the categories there are. */
export async function categorySchema(db: Db) {
  return categoryInput((await choices(db)).list.map((c) => c.id))
}

/** The form of a new category (id null) or of category `id`: as stored, or as sent with its mistakes. */
export async function categoryFormPage(
  db: Db,
  id: number | null,
  sent?: { values: Record<string, string>; errors: FieldErrors },
) {
  const { tree, list } = await choices(db)
  const category = id === null ? null : tree.byId.get(id)
  if (category === undefined) return missing
  return {
    kind: 'page' as const,
    title: category ? `Category ${category.name}` : 'New category',
    category,
    // Not under itself; the service refuses its own subcategories too.
    parents: list.filter((c) => c.id !== id),
    values:
      sent?.values ??
      (category
        ? {
            name: category.name,
            slug: category.slug,
            description: category.description,
            parent_id: category.parentId === null ? '' : String(category.parentId),
          }
        : {}),
    errors: sent?.errors ?? {},
  }
}

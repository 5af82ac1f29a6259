import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { loadCategoryTree } from '../catalogue/catalogue.service.js'

/** A category as the API shows it. */
export const categoryJson = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    parent_id: z.number().int().nullable(),
    path: z.string().describe('The storefront page of the category.'),
    updated_at: z.string(),
  })
  .meta({ id: 'Category' })

export type CategoryJson = z.output<typeof categoryJson>

/** Every category, each after its parent and in the order the shop set (a shop has tens, not thousands). */
export async function categoriesJson(db: Db): Promise<CategoryJson[]> {
  const tree = await loadCategoryTree(db)
  const out: CategoryJson[] = []
  const walk = (nodes: typeof tree.roots) => {
    for (const node of nodes) {
      out.push({
        id: node.id,
        slug: node.slug,
        name: node.name,
        description: node.description,
        parent_id: node.parentId,
        path: `/categories/${node.slug}`,
        updated_at: node.updatedAt,
      })
      walk(node.children)
    }
  }
  walk(tree.roots)
  return out
}

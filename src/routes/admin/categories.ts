import type { FastifyInstance, FastifyReply } from 'fastify'
import { type IdParams, idOf } from '../../lib/ids.js'
import { withValid } from '../../lib/outcomes.js'
import { validate } from '../../lib/validation.js'
import { type CategoryNode, loadCategoryTree } from '../../modules/catalogue/catalogue.service.js'
import { categoryInput, moveInput } from '../../modules/categories/categories.forms.js'
import { createCategory, moveCategory, updateCategory } from '../../modules/categories/categories.service.js'
import { signedInUser } from '../../plugins/auth.js'

/** Categories: the tree in the shop's order, create, edit (new and edit share one form), nest and order. */
export default async function categoryRoutes(app: FastifyInstance) {
  /** Every category as a choice of parent, indented by depth, in the tree's order. */
  async function choices() {
    const tree = await loadCategoryTree(app.db)
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

  app.get('/admin/categories', async (_request, reply) => {
    const { tree } = await choices()
    return reply.render('admin/categories/index', { title: 'Categories', roots: tree.roots })
  })

  async function formPage(reply: FastifyReply, id: number | null, extra: Record<string, unknown> = {}) {
    const { tree, list } = await choices()
    const category = id === null ? null : tree.byId.get(id)
    if (id !== null && !category) return reply.callNotFound()
    return reply.render(category ? 'admin/categories/edit' : 'admin/categories/new', {
      title: category ? `Category ${category.name}` : 'New category',
      category,
      parents: list.filter((c) => c.id !== id),
      values: category
        ? {
            name: category.name,
            slug: category.slug,
            description: category.description,
            parent_id: category.parentId === null ? '' : String(category.parentId),
          }
        : {},
      errors: {},
      ...extra,
    })
  }

  const schema = async () => categoryInput((await choices()).list.map((c) => c.id))

  app.get('/admin/categories/new', async (_request, reply) => formPage(reply, null))

  const saved = {
    done: () => ({ to: '/admin/categories', flash: 'The category is saved.' }),
    back: '/admin/categories',
  }

  app.post('/admin/categories', async (request, reply) => {
    const result = await withValid(validate(await schema(), request.body), (input) =>
      createCategory(app.db, input, signedInUser(request)),
    )
    return reply.answer(result, { ...saved, form: (sent) => formPage(reply, null, sent) })
  })

  app.get<IdParams>('/admin/categories/:id', async (request, reply) => formPage(reply, idOf(request)))

  app.post<IdParams>('/admin/categories/:id', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(await schema(), request.body), (input) =>
      updateCategory(app.db, id, input, signedInUser(request)),
    )
    return reply.answer(result, { ...saved, form: (sent) => formPage(reply, id, sent) })
  })

  app.post<IdParams>('/admin/categories/:id/position', async (request, reply) => {
    const id = idOf(request)
    const result = await withValid(validate(moveInput, request.body), (input) =>
      moveCategory(app.db, id, input.direction, signedInUser(request)),
    )
    return reply.answer(result, { done: () => ({ to: `/admin/categories#category-${id}` }), back: '/admin/categories' })
  })
}

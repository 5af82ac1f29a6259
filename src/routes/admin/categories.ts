import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { type IdParams, idOf } from '../../lib/ids.js'
import { validate } from '../../lib/validation.js'
import { type CategoryNode, loadCategoryTree } from '../../modules/catalogue/catalogue.service.js'
import { categoryInput } from '../../modules/categories/categories.forms.js'
import { createCategory, moveCategory, updateCategory } from '../../modules/categories/categories.service.js'
import { signedInUser } from '../../plugins/auth.js'
import type { AdminNavItem } from './index.js'

const moveInput = z.object({ direction: z.enum(['up', 'down'], { error: 'Move it up or down' }) })

/** Categories: the tree in the shop's order, create, edit (new and edit share one form), nest and order. */
export default async function categoryRoutes(app: FastifyInstance, opts: { nav: AdminNavItem[] }) {
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
    return reply.render('admin/categories/index', { title: 'Categories', adminNav: opts.nav, roots: tree.roots })
  })

  async function formPage(reply: FastifyReply, id: number | null, extra: Record<string, unknown> = {}) {
    const { tree, list } = await choices()
    const category = id === null ? null : tree.byId.get(id)
    if (id !== null && !category) return reply.callNotFound()
    return reply.render(category ? 'admin/categories/edit' : 'admin/categories/new', {
      title: category ? `Category ${category.name}` : 'New category',
      adminNav: opts.nav,
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

  app.post('/admin/categories', async (request, reply) => {
    const checked = validate(await schema(), request.body)
    const result = checked.ok ? await createCategory(app.db, checked.value, signedInUser(request)) : checked
    if ('errors' in result)
      return formPage(reply.code(422), null, { values: request.body ?? {}, errors: result.errors })
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The category is saved.')
    return reply.redirect('/admin/categories', 303)
  })

  app.get<IdParams>('/admin/categories/:id', async (request, reply) => formPage(reply, idOf(request)))

  app.post<IdParams>('/admin/categories/:id', async (request, reply) => {
    const id = idOf(request)
    const checked = validate(await schema(), request.body)
    const result = checked.ok ? await updateCategory(app.db, id, checked.value, signedInUser(request)) : checked
    if ('errors' in result) return formPage(reply.code(422), id, { values: request.body ?? {}, errors: result.errors })
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The category is saved.')
    return reply.redirect('/admin/categories', 303)
  })

  app.post<IdParams>('/admin/categories/:id/position', async (request, reply) => {
    const checked = validate(moveInput, request.body)
    if (!checked.ok) {
      request.flash('error', 'Move a category up or down.')
      return reply.redirect('/admin/categories', 303)
    }
    const result = await moveCategory(app.db, idOf(request), checked.value.direction, signedInUser(request))
    if (result.kind === 'missing') return reply.callNotFound()
    return reply.redirect(`/admin/categories#category-${idOf(request)}`, 303)
  })
}

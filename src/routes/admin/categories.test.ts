import { describe, expect } from 'vitest'
import type { Db } from '../../db/connection.js'
import { shopTest as it } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'

describe('categories in the back office', () => {
  const bySlug = (db: Db, slug: string) =>
    db.selectFrom('categories').selectAll().where('slug', '=', slug).executeTakeFirst()
  const childrenOf = async (db: Db, parentId: number | null) =>
    (
      await db
        .selectFrom('categories')
        .select('name')
        .where('parent_id', parentId === null ? 'is' : '=', parentId)
        .orderBy('position')
        .orderBy('name')
        .execute()
    ).map((c) => c.name)

  it('creates nested categories, which the shop shows at once', async ({ shop, staff }) => {
    expect((await staff.post('/admin/categories', { name: 'Garden & Yard' })).statusCode).toBe(303)
    const garden = await bySlug(shop.db, 'garden-and-yard')
    expect(garden).toMatchObject({ name: 'Garden & Yard', parent_id: null })
    await staff.post('/admin/categories', { name: 'Seeds', slug: 'seeds', parent_id: String(garden?.id) })
    expect(await bySlug(shop.db, 'seeds')).toMatchObject({ parent_id: garden?.id })
    const list = await staff.get('/admin/categories')
    expect(list.body).toContain('Garden &amp; Yard')
    expect(await htmlErrors(list.body)).toEqual([])
    expect(await htmlErrors((await staff.get('/admin/categories/new')).body)).toEqual([])
    // The shop's category page exists as soon as it is saved (its cached tree follows the change counter).
    expect((await shop.app.inject({ url: '/categories/seeds' })).statusCode).toBe(200)
  })

  it('refuses a missing name, a taken or malformed address, and a category inside its own branch', async ({
    shop,
    staff,
  }) => {
    await staff.post('/admin/categories', { name: 'Garden' })
    const garden = (await bySlug(shop.db, 'garden'))?.id as number
    await staff.post('/admin/categories', { name: 'Seeds', parent_id: String(garden) })
    const seeds = (await bySlug(shop.db, 'seeds'))?.id as number
    for (const [url, fields, message] of [
      ['/admin/categories', { name: '' }, 'Enter the name'],
      ['/admin/categories', { name: 'Garden' }, 'Another category has that web address'],
      ['/admin/categories', { name: 'X', slug: 'Not A Slug' }, 'A web address uses lower-case letters'],
      ['/admin/categories', { name: 'X', parent_id: '99999' }, 'Choose a category from the list'],
      [
        `/admin/categories/${garden}`,
        { name: 'Garden', parent_id: String(seeds) },
        'A category cannot go inside itself or one of its own subcategories',
      ],
    ] as const) {
      const response = await staff.post(url, fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
    }
    expect((await bySlug(shop.db, 'garden'))?.parent_id).toBeNull()
    expect((await staff.get('/admin/categories/99999')).statusCode).toBe(404)
  })

  it('edits a category, logging before → after, and orders siblings up and down', async ({ shop, staff }) => {
    for (const name of ['Alpha', 'Beta', 'Gamma']) await staff.post('/admin/categories', { name })
    const roots = (await childrenOf(shop.db, null)).filter((n) => ['Alpha', 'Beta', 'Gamma'].includes(n))
    expect(roots).toEqual(['Alpha', 'Beta', 'Gamma'])
    const gamma = (await bySlug(shop.db, 'gamma'))?.id as number
    await staff.post(`/admin/categories/${gamma}/position`, { direction: 'up' })
    expect((await childrenOf(shop.db, null)).filter((n) => ['Alpha', 'Beta', 'Gamma'].includes(n))).toEqual([
      'Alpha',
      'Gamma',
      'Beta',
    ])
    await staff.post(`/admin/categories/${gamma}`, { name: 'Gamma Rays', slug: 'gamma' })
    const [entry] = await shop.db
      .selectFrom('activity_log')
      .select('changes')
      .where('action', '=', 'category.updated')
      .execute()
    expect(JSON.parse(entry?.changes ?? '{}')).toEqual({ name: ['Gamma', 'Gamma Rays'] })
    const form = await staff.get(`/admin/categories/${gamma}`)
    expect(form.body).toContain('value="Gamma Rays"')
    expect(await htmlErrors(form.body)).toEqual([])
  })
})

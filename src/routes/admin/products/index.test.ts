import { describe, expect } from 'vitest'
import type { Db } from '../../../db/connection.js'
import { createCategory, createTestProduct } from '../../../testing/catalogue.js'
import { shopTest as it } from '../../../testing/fixtures.js'
import { htmlErrors } from '../../../testing/html.js'

describe('products in the back office', () => {
  const product = (db: Db, slug: string) =>
    db.selectFrom('products').selectAll().where('slug', '=', slug).executeTakeFirst()
  const variantsOf = (db: Db, productId: number) =>
    db.selectFrom('variants').selectAll().where('product_id', '=', productId).orderBy('position').execute()
  const twoSizes = {
    title: 'Linen Apron',
    description_md: 'A **sturdy** apron.',
    attr0_name: 'Material',
    attr0_value: 'Linen',
    option1: 'Size',
    v0_opt1: 'S',
    v0_sku: 'APRON-S',
    v0_price: '32.00',
    v0_stock: '4',
    v0_track: 'yes',
    v1_opt1: 'L',
    v1_sku: 'APRON-L',
    v1_price: '34.50',
    v1_compare: '40.00',
    v1_stock: '7',
    v1_track: 'yes',
    v1_backorder: 'yes',
    v2_sku: '',
  }

  it('creates a draft with two variants, its options, attributes and starting stock in the ledger', async ({
    shop,
    staff,
  }) => {
    const form = await staff.get('/admin/products/new')
    expect(form.statusCode).toBe(200)
    expect(await htmlErrors(form.body)).toEqual([])
    const created = await staff.post('/admin/products', twoSizes)
    expect(created.statusCode).toBe(303)
    const saved = await product(shop.db, 'linen-apron')
    expect(saved).toMatchObject({ status: 'draft', option_names: '["Size"]', attributes: '{"Material":"Linen"}' })
    expect(saved?.description_html).toContain('<strong>sturdy</strong>')
    expect(created.headers.location).toBe(`/admin/products/${saved?.id}`)
    const variants = await variantsOf(shop.db, saved?.id as number)
    expect(variants.map((v) => [v.sku, v.price, v.compare_at_price, v.stock, v.allow_backorder, v.options])).toEqual([
      ['APRON-S', 3200, null, 4, 0, '{"Size":"S"}'],
      ['APRON-L', 3450, 4000, 7, 1, '{"Size":"L"}'],
    ])
    const ledger = await shop.db.selectFrom('stock_movements').select(['change', 'reason']).execute()
    expect(ledger).toEqual([
      { change: 4, reason: 'adjustment' },
      { change: 7, reason: 'adjustment' },
    ])
    // A draft is not in the shop until it is published.
    expect((await shop.app.inject('/products/linen-apron')).statusCode).toBe(404)
    const edit = await staff.get(created.headers.location as string)
    expect(edit.body).toContain('APRON-L')
    expect(await htmlErrors(edit.body)).toEqual([])
  })

  it('publishes, withdraws and archives a product as actions of their own', async ({ shop, staff }) => {
    await staff.post('/admin/products', twoSizes)
    const id = (await product(shop.db, 'linen-apron'))?.id as number
    expect((await staff.post(`/admin/products/${id}/publication`)).statusCode).toBe(303)
    expect(await product(shop.db, 'linen-apron')).toMatchObject({ status: 'active' })
    expect((await product(shop.db, 'linen-apron'))?.published_at).not.toBeNull()
    const page = await shop.app.inject('/products/linen-apron')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Linen Apron')

    await staff.post(`/admin/products/${id}/withdrawal`)
    expect(await product(shop.db, 'linen-apron')).toMatchObject({ status: 'draft' })

    const confirm = await staff.get(`/admin/products/${id}/archival`)
    expect(confirm.body).toContain('Archive Linen Apron?')
    expect(await htmlErrors(confirm.body)).toEqual([])
    await staff.post(`/admin/products/${id}/archival`)
    expect(await product(shop.db, 'linen-apron')).toMatchObject({ status: 'archived' })
    expect((await shop.app.inject('/products/linen-apron')).statusCode).toBe(410)
    const actions = await shop.db.selectFrom('activity_log').select('action').orderBy('id').execute()
    expect(actions.map((a) => a.action)).toEqual([
      'product.created',
      'product.published',
      'product.withdrawn',
      'product.archived',
    ])
  })

  it('edits fields and variants: a changed price, a new variant, a removed one, a new address that redirects', async ({
    shop,
    staff,
  }) => {
    await staff.post('/admin/products', twoSizes)
    const id = (await product(shop.db, 'linen-apron'))?.id as number
    await staff.post(`/admin/products/${id}/publication`)
    const [small, large] = await variantsOf(shop.db, id)
    const saved = await staff.post(`/admin/products/${id}`, {
      title: 'Linen Work Apron',
      slug: 'linen-work-apron',
      description_md: 'Sturdy.',
      seo_title: 'A linen apron',
      option1: 'Size',
      v0_id: String(small?.id),
      v0_opt1: 'S',
      v0_sku: 'APRON-S',
      v0_price: '30.00',
      v0_track: 'yes',
      v1_id: String(large?.id),
      v1_opt1: 'L',
      v1_sku: 'APRON-L',
      v1_price: '34.50',
      v1_remove: 'yes',
      v2_opt1: 'M',
      v2_sku: 'APRON-M',
      v2_price: '31.00',
      v2_stock: '2',
      v2_track: 'yes',
    })
    expect(saved.statusCode).toBe(303)
    const after = await variantsOf(shop.db, id)
    expect(after.map((v) => [v.sku, v.price, v.stock])).toEqual([
      ['APRON-S', 3000, 4],
      ['APRON-M', 3100, 2],
    ])
    expect(await product(shop.db, 'linen-work-apron')).toMatchObject({ seo_title: 'A linen apron', attributes: '{}' })
    const old = await shop.app.inject('/products/linen-apron')
    expect(old.statusCode).toBe(301)
    expect(old.headers.location).toContain('/products/linen-work-apron')
    const entry = await shop.db
      .selectFrom('activity_log')
      .select(['changes'])
      .where('action', '=', 'product.updated')
      .executeTakeFirstOrThrow()
    expect(JSON.parse(entry.changes as string)).toMatchObject({
      title: ['Linen Apron', 'Linen Work Apron'],
      slug: ['linen-apron', 'linen-work-apron'],
      variants: ['', 'changed APRON-S (price); removed APRON-L; added APRON-M'],
    })
  })

  it('answers each mistake with its message under the field, keeps what was typed and saves nothing', async ({
    shop,
    staff,
  }) => {
    await createTestProduct(shop.db, { title: 'Taken', variants: [{ sku: 'TAKEN-1', price: 100 }] })
    const before = await shop.db.selectFrom('products').select('id').execute()
    for (const [fields, field, message] of [
      [{ ...twoSizes, title: '' }, 'title', 'Enter the title'],
      [{ ...twoSizes, slug: 'Not A Slug!' }, 'slug', 'lower-case letters'],
      [{ ...twoSizes, slug: 'taken' }, 'slug', 'Another product has this address'],
      [{ ...twoSizes, v0_price: 'cheap' }, 'v0_price', 'Enter the price as an amount'],
      [{ ...twoSizes, v1_compare: '30.00' }, 'v1_compare', 'more than the price'],
      [{ ...twoSizes, v1_sku: 'APRON-S' }, 'v1_sku', 'already used by another row'],
      [{ ...twoSizes, v1_sku: 'TAKEN-1' }, 'v1_sku', 'the SKU of another product'],
      [{ ...twoSizes, v1_opt1: '' }, 'v1_opt1', 'Enter this variant’s Size'],
      [{ ...twoSizes, v1_opt1: 's' }, 'v1_opt1', 'Another variant has the same options'],
      [{ ...twoSizes, option1: '' }, 'v0_opt1', 'Name this option above'],
      [{ ...twoSizes, v0_stock: '-3' }, 'v0_stock', 'needs backorders allowed'],
      [{ ...twoSizes, v0_sku: 'bad sku!' }, 'v0_sku', 'A SKU is up to 64'],
      [{ ...twoSizes, category_id: '999' }, 'category_id', 'Choose a category from the list'],
      [{ ...twoSizes, tax_class: 'luxury' }, 'tax_class', 'Choose a tax class'],
      [{ ...twoSizes, attr0_value: '' }, 'attr0_value', 'Enter its value'],
      [{ title: 'No variants' }, 'v0_sku', 'at least one variant'],
    ] as const) {
      const response = await staff.post('/admin/products', fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain(`id="f-${field}-error"`)
      expect(response.body).toContain('with what you entered')
    }
    const rerendered = await staff.post('/admin/products', { ...twoSizes, v0_price: 'cheap' })
    expect(rerendered.body).toContain('value="cheap"')
    expect(rerendered.body).toContain('value="Linen Apron"')
    expect(await htmlErrors(rerendered.body)).toEqual([])
    expect(await shop.db.selectFrom('products').select('id').execute()).toEqual(before)
  })

  it('previews the Markdown description as the shop will show it, sanitised, without saving', async ({
    shop,
    staff,
  }) => {
    const response = await staff.post('/admin/products', {
      ...twoSizes,
      description_md: '# Care\n\n*Wash* cold. <script>alert(1)</script>',
      _action: 'preview',
    })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Preview (not saved yet)')
    expect(response.body).toContain('<em>Wash</em>')
    expect(response.body).not.toContain('<script>alert(1)')
    expect(await product(shop.db, 'linen-apron')).toBeUndefined()
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('offers more empty variant rows without saving', async ({ shop, staff }) => {
    const response = await staff.post('/admin/products', { ...twoSizes, _action: 'rows' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('name="v7_sku"')
    expect(await product(shop.db, 'linen-apron')).toBeUndefined()
  })

  it('duplicates a product as a draft with new SKUs, no stock, the same images and options', async ({
    shop,
    staff,
  }) => {
    await staff.post('/admin/products', twoSizes)
    const id = (await product(shop.db, 'linen-apron'))?.id as number
    const first = await staff.post(`/admin/products/${id}/copies`)
    expect(first.statusCode).toBe(303)
    const copy = await product(shop.db, 'copy-of-linen-apron')
    expect(first.headers.location).toBe(`/admin/products/${copy?.id}`)
    expect(copy).toMatchObject({ status: 'draft', title: 'Copy of Linen Apron', option_names: '["Size"]' })
    expect((await variantsOf(shop.db, copy?.id as number)).map((v) => [v.sku, v.price, v.stock])).toEqual([
      ['APRON-S-COPY', 3200, 0],
      ['APRON-L-COPY', 3450, 0],
    ])
    await staff.post(`/admin/products/${id}/copies`)
    const second = await product(shop.db, 'copy-of-linen-apron-2')
    expect((await variantsOf(shop.db, second?.id as number)).map((v) => v.sku)).toEqual([
      'APRON-S-COPY-2',
      'APRON-L-COPY-2',
    ])
  })

  it('lists, searches (drafts and SKUs too), filters, sorts and pages the products', async ({ shop, staff }) => {
    const mugs = await createCategory(shop.db, 'Admin Test Mugs')
    await createTestProduct(shop.db, {
      title: 'Heather Mug',
      categoryId: mugs,
      variants: [{ sku: 'MUG-HEATHER', price: 1800, stock: 2 }],
    })
    await createTestProduct(shop.db, {
      title: 'Draft Teapot',
      status: 'draft',
      variants: [{ sku: 'POT-1', price: 4500, stock: 0 }],
    })
    await createTestProduct(shop.db, { title: 'Old Jug', status: 'archived', variants: [{ sku: 'JUG-1', price: 900 }] })

    const all = await staff.get('/admin/products')
    expect(all.statusCode).toBe(200)
    expect(await htmlErrors(all.body)).toEqual([])
    for (const title of ['Heather Mug', 'Draft Teapot', 'Old Jug']) expect(all.body).toContain(title)

    const titles = async (query: string) => {
      const body = (await staff.get(`/admin/products?${query}`)).body
      return [...body.matchAll(/<a href="\/admin\/products\/\d+">([^<]+)<\/a>/g)].map((m) => m[1])
    }
    expect(await titles('q=teap')).toEqual(['Draft Teapot'])
    expect(await titles('q=MUG-HEATHER')).toEqual(['Heather Mug'])
    expect(await titles('status=archived')).toEqual(['Old Jug'])
    expect(await titles(`category=${mugs}`)).toEqual(['Heather Mug'])
    expect(await titles('stock=out&q=teapot')).toEqual(['Draft Teapot'])
    expect(await titles('stock=low&q=heather')).toEqual(['Heather Mug'])
    expect(await titles('q=jug&sort=price_desc')).toEqual(['Old Jug'])
    // Search words are words: FTS operators typed by staff find nothing rather than break the query.
    expect(await titles('q=heather%20OR%20teapot')).toEqual([])
    expect(await titles('q=%22%2A%28')).toEqual([])

    const bad = await staff.get('/admin/products?status=deleted&sort=random')
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('Choose a status from the list')
    expect((await staff.get('/admin/products?page=999')).statusCode).toBe(404)
  })

  it('pages a long list twenty-five at a time', async ({ shop, staff }) => {
    for (let n = 1; n <= 55; n++) {
      await createTestProduct(shop.db, { title: `Bowl ${String(n).padStart(2, '0')}`, status: 'draft' })
    }
    const first = await staff.get('/admin/products?q=bowl&sort=title')
    expect(first.body).toContain('55 products')
    expect(first.body).toContain('Bowl 25<')
    expect(first.body).not.toContain('Bowl 26<')
    expect(first.body).toContain('href="/admin/products?q=bowl&amp;sort=title&amp;page=3"')
    const last = await staff.get('/admin/products?q=bowl&sort=title&page=3')
    expect(last.body).toContain('Bowl 55<')
    expect(last.body).toContain('Bowl 51<')
    expect(last.body).not.toContain('Bowl 50<')
  })

  it('exports exactly the filtered products as CSV, one line per variant, formulas kept as text', async ({
    shop,
    staff,
  }) => {
    await staff.post('/admin/products', { ...twoSizes, title: '=HYPERLINK("http://evil")', slug: 'evil-apron' })
    await createTestProduct(shop.db, { title: 'Heather Mug', variants: [{ sku: 'MUG-HEATHER', price: 1800 }] })
    const csv = await staff.get('/admin/products.csv?q=apron')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toMatch(/^handle,title,status,category,tax_class,description_md/)
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain(`evil-apron,"'=HYPERLINK(""http://evil"")",draft`)
    expect(lines[1]).toContain('Size,S')
    expect(lines[1]).toContain('APRON-S,32.00,,4,yes,no')
    expect(lines[2]).toContain('APRON-L,34.50,40.00,7,yes,yes')
    expect(csv.body).not.toContain('MUG-HEATHER')
    expect((await staff.get('/admin/products.csv?status=gone')).statusCode).toBe(422)
  })

  it('answers 404 for a product that does not exist, for every action', async ({ staff }) => {
    expect((await staff.get('/admin/products/999')).statusCode).toBe(404)
    expect((await staff.get('/admin/products/abc')).statusCode).toBe(404)
    for (const action of ['publication', 'withdrawal', 'archival', 'copies']) {
      expect((await staff.post(`/admin/products/999/${action}`)).statusCode).toBe(404)
    }
    expect((await staff.post('/admin/products/999', twoSizes)).statusCode).toBe(404)
  })
})

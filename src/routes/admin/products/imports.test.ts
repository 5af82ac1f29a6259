import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb } from '../../../db/connection.js'
import { csvRow } from '../../../lib/csv.js'
import { MAX_IMPORT_ROWS } from '../../../modules/product-imports/import-file.js'
import type { ImportReport } from '../../../modules/product-imports/import-report.js'
import { CHANGED_NOTICE } from '../../../modules/product-imports/import-steps.js'
import { PRODUCT_CSV_COLUMNS, type ProductCsvColumn } from '../../../modules/product-imports/product-csv.js'
import {
  EXPIRED_NOTICE,
  expireStaleImports,
  runProductImportJobs,
} from '../../../modules/product-imports/product-imports.job.js'
import { insertImport } from '../../../modules/product-imports/product-imports.repository.js'
import { acceptProductCsv, INLINE_BYTES } from '../../../modules/product-imports/product-imports.service.js'
import { type StaffSession, staffSession } from '../../../testing/admin.js'
import { buildTestApp, type TestShop } from '../../../testing/app.js'
import { changeVariants, createCategory, createTestProduct } from '../../../testing/catalogue.js'
import { htmlErrors } from '../../../testing/html.js'
import { csrfTokenIn } from '../../../testing/http.js'
import { multipartBody, postMultipart, type UploadFile } from '../../../testing/multipart.js'
import { changeImports } from '../../../testing/product-imports.js'

type Row = Partial<Record<ProductCsvColumn, string | number>>

function csvOf(rows: Row[], columns: readonly ProductCsvColumn[] = PRODUCT_CSV_COLUMNS): string {
  return `\uFEFF${csvRow([...columns])}${rows.map((row) => csvRow(columns.map((c) => row[c] ?? ''))).join('')}`
}

const csvFile = (text: string, filename = 'products.csv'): UploadFile => ({
  field: 'file',
  filename,
  type: 'text/csv',
  content: Buffer.from(text),
})

const silentLog = { error() {} }

describe('product import in the back office', () => {
  let shop: TestShop
  let staff: StaffSession
  let mugId: number
  beforeEach(async () => {
    shop = await buildTestApp()
    staff = await staffSession(shop, { name: 'Sam Staff' })
    await createCategory(shop.db, 'Kitchen Mugs')
    mugId = await createTestProduct(shop.db, {
      title: 'Heather Mug',
      slug: 'heather-mug',
      optionNames: ['Size'],
      variants: [
        { sku: 'MUG-S', options: { Size: 'Small' }, price: 1800, stock: 5 },
        { sku: 'MUG-L', options: { Size: 'Large' }, price: 2000, stock: 3 },
      ],
    })
  })
  afterEach(() => shop.close())

  /** The mug as the export writes it, with a change or two. */
  const mugRows = (changes: Partial<Record<'MUG-S' | 'MUG-L', Row>> = {}): Row[] =>
    (['MUG-S', 'MUG-L'] as const).map((sku) => ({
      handle: 'heather-mug',
      title: 'Heather Mug',
      status: 'active',
      tax_class: 'standard',
      option1_name: 'Size',
      option1_value: sku === 'MUG-S' ? 'Small' : 'Large',
      sku,
      price: sku === 'MUG-S' ? '18.00' : '20.00',
      stock: sku === 'MUG-S' ? 5 : 3,
      track_stock: 'yes',
      allow_backorder: 'no',
      ...changes[sku],
    }))

  const newBoard: Row[] = [
    {
      handle: 'oak-board',
      title: 'Oak Board',
      status: 'active',
      category: 'kitchen-mugs',
      tax_class: 'reduced',
      description_md: '- cut from **oak**',
      attributes: '{"Wood":"Oak"}',
      sku: 'OAK-1',
      price: '25.00',
      stock: 4,
      track_stock: 'yes',
      allow_backorder: 'no',
    },
  ]

  async function upload(file: UploadFile, options: { token?: string } = {}) {
    const token = options.token ?? csrfTokenIn((await staff.get('/contact')).body) ?? ''
    return postMultipart(shop.app, '/admin/products/imports', { _csrf: token }, [file], { cookie: staff.cookie })
  }

  /** Uploads a file and follows the redirect to its page. */
  async function uploaded(text: string) {
    const response = await upload(csvFile(text))
    expect(response.statusCode, response.body).toBe(303)
    const location = response.headers.location as string
    expect(location).toMatch(/^\/admin\/products\/imports\/\d+$/)
    return { location, id: Number(location.split('/').pop()) }
  }

  const variant = (sku: string) => shop.db.selectFrom('variants').selectAll().where('sku', '=', sku).executeTakeFirst()
  const ledger = () =>
    shop.db
      .selectFrom('stock_movements as m')
      .innerJoin('variants as v', 'v.id', 'm.variant_id')
      .select(['v.sku', 'm.change', 'm.stock_after', 'm.reason', 'm.note', 'm.actor_user_id'])
      .orderBy('m.id')
      .execute()
  const imported = () =>
    shop.db.selectFrom('activity_log').selectAll().where('action', '=', 'product.imported').execute()
  const counts = async () => ({
    products: Number(
      (
        await shop.db
          .selectFrom('products')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    variants: Number(
      (
        await shop.db
          .selectFrom('variants')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    ledger: (await ledger()).length,
    imports: Number(
      (
        await shop.db
          .selectFrom('product_imports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  })

  it('shows the form with every column explained and a template to start from', async () => {
    const page = await staff.get('/admin/products/imports/new')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('enctype="multipart/form-data"')
    for (const column of PRODUCT_CSV_COLUMNS) expect(page.body).toContain(`<code>${column}</code>`)
    expect(await htmlErrors(page.body)).toEqual([])
    const template = await staff.get('/admin/products/imports/template.csv')
    expect(template.statusCode).toBe(200)
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(template.body.split('\r\n')[0]).toBe(`\uFEFF${PRODUCT_CSV_COLUMNS.join(',')}`)
    // The template itself imports cleanly.
    const { location } = await uploaded(template.body)
    const report = await staff.get(location)
    expect(report.body).toContain('Apply the import')
    expect(report.body).toMatch(/<dt>Variants created<\/dt><dd>2<\/dd>/)
  })

  it('checks a file, shows what would change, and applies it all: products, variants, the stock ledger and the activity log', async () => {
    const { location, id } = await uploaded(
      csvOf([...mugRows({ 'MUG-S': { price: '19.50', stock: 8 }, 'MUG-L': { stock: 1 } }), ...newBoard]),
    )
    const report = await staff.get(location)
    expect(report.statusCode).toBe(200)
    expect(report.headers.refresh).toBeUndefined()
    expect(report.body).toMatch(/<dt>Products created<\/dt><dd>1<\/dd>/)
    expect(report.body).toMatch(/<dt>Variants updated<\/dt><dd>2<\/dd>/)
    expect(report.body).toContain('price: 18.00 → 19.50<br>stock: 5 → 8')
    expect(report.body).toContain('stock: 3 → 1')
    expect(report.body).toContain('Oak Board')
    expect(await htmlErrors(report.body)).toEqual([])
    // Nothing has changed yet.
    expect((await variant('MUG-S'))?.price).toBe(1800)
    expect(await variant('OAK-1')).toBeUndefined()

    const applied = await staff.post(`/admin/products/imports/${id}/application`)
    expect(applied.statusCode).toBe(303)
    expect(applied.headers.location).toBe(location)
    expect(await variant('MUG-S')).toMatchObject({ price: 1950, stock: 8 })
    expect(await variant('MUG-L')).toMatchObject({ stock: 1 })
    const board = await shop.db.selectFrom('products').selectAll().where('slug', '=', 'oak-board').executeTakeFirst()
    expect(board).toMatchObject({
      title: 'Oak Board',
      status: 'active',
      tax_class: 'reduced',
      attributes: '{"Wood":"Oak"}',
    })
    expect(board?.description_md).toBe('- cut from **oak**')
    expect(board?.description_html).toContain('<strong>oak</strong>')
    expect(board?.published_at).not.toBeNull()
    expect(await variant('OAK-1')).toMatchObject({ product_id: board?.id, price: 2500, stock: 4 })
    expect(await ledger()).toEqual([
      {
        sku: 'OAK-1',
        change: 4,
        stock_after: 4,
        reason: 'import',
        note: 'Import of products.csv',
        actor_user_id: staff.user.id,
      },
      {
        sku: 'MUG-S',
        change: 3,
        stock_after: 8,
        reason: 'import',
        note: 'Import of products.csv',
        actor_user_id: staff.user.id,
      },
      {
        sku: 'MUG-L',
        change: -2,
        stock_after: 1,
        reason: 'import',
        note: 'Import of products.csv',
        actor_user_id: staff.user.id,
      },
    ])
    expect(await imported()).toMatchObject([
      {
        actor_user_id: staff.user.id,
        subject_type: 'product',
        summary:
          'Imported products.csv: 1 product created, 0 products updated, 1 variant created, 2 variants updated, 0 rows unchanged',
      },
    ])
    const after = await staff.get(location)
    expect(after.body).toContain('The import is applied.')
    expect(after.body).toContain('Applied by Sam Staff')
    expect(after.body).not.toContain('Apply the import')
    expect(await htmlErrors(after.body)).toEqual([])
    // The shop shows the new product at once.
    expect((await shop.app.inject({ url: '/products/oak-board' })).statusCode).toBe(200)
    // The stored file is emptied; the report stays.
    const stored = await shop.db.selectFrom('product_imports').select(['status', 'report']).executeTakeFirstOrThrow()
    expect(stored.status).toBe('applied')
    expect(stored.report).toContain('Oak Board')
    expect(await shop.db.selectFrom('product_import_files').selectAll().execute()).toEqual([])

    // Applying twice does nothing more.
    const again = await staff.post(`/admin/products/imports/${id}/application`)
    expect(again.statusCode).toBe(303)
    expect((await staff.get(location)).body).toContain('This import has already been applied.')
    expect(await ledger()).toHaveLength(3)
  })

  it('reports every row error by row and column, and applies nothing from a file with errors', async () => {
    const before = await counts()
    const { location, id } = await uploaded(
      csvOf([
        ...mugRows({ 'MUG-S': { price: 'cheap' }, 'MUG-L': { title: 'Heather Cup' } }),
        { ...newBoard[0], sku: 'MUG-S' },
        { ...newBoard[0], handle: 'tea-towel', title: 'Tea Towel', sku: 'TOWEL', category: 'nowhere', stock: '2.5' },
      ]),
    )
    const report = await staff.get(location)
    expect(report.body).toContain('There are 5 problems in the file')
    for (const [line, column, message] of [
      [2, 'price', 'Enter the price as an amount in GBP, like 18.00'],
      [3, 'title', 'This differs from row 2, the first row of heather-mug: repeat that value or leave it empty'],
      [4, 'sku', 'This SKU is also on row 2: each variant has one row'],
      [5, 'stock', 'Enter the stock as a whole number, like 12'],
    ] as const) {
      expect(report.body).toContain(
        `<tr><td data-label="Row" class="numeric">${line}</td><td data-label="Column">${column}</td><td data-label="Problem">${message}</td></tr>`,
      )
    }
    expect(report.body).not.toContain('Apply the import')
    expect(await htmlErrors(report.body)).toEqual([])
    const refused = await staff.post(`/admin/products/imports/${id}/application`)
    expect(refused.statusCode).toBe(303)
    expect((await staff.get(location)).body).toContain(
      'Correct the rows listed below in your file and upload it again.',
    )
    expect(await counts()).toEqual({ ...before, imports: before.imports + 1 })
    expect((await variant('MUG-S'))?.price).toBe(1800)
    expect(await imported()).toEqual([])
  })

  it('refuses to apply when the products changed after the check, and shows the check again', async () => {
    const { location, id } = await uploaded(csvOf(mugRows({ 'MUG-S': { price: '19.50', stock: 8 } })))
    // A sale while staff read the report.
    await changeVariants(shop.db, { stock: 4 }, { sku: 'MUG-S' })
    const refused = await staff.post(`/admin/products/imports/${id}/application`)
    expect(refused.statusCode).toBe(303)
    const page = await staff.get(location)
    expect(page.body).toContain(CHANGED_NOTICE)
    expect(page.body).toContain('stock: 4 → 8')
    expect(await variant('MUG-S')).toMatchObject({ price: 1800, stock: 4 })
    expect(await ledger()).toEqual([])
    expect(await imported()).toEqual([])

    // Looked over again, it applies to the products as they are now.
    expect((await staff.post(`/admin/products/imports/${id}/application`)).statusCode).toBe(303)
    expect(await variant('MUG-S')).toMatchObject({ price: 1950, stock: 8 })
    expect(await ledger()).toMatchObject([{ sku: 'MUG-S', change: 4, stock_after: 8, reason: 'import' }])
  })

  it('expires a file checked a week ago and never applied: its file goes, its report stays, and it cannot be applied', async () => {
    const stale = await uploaded(csvOf(mugRows({ 'MUG-S': { price: '19.50', stock: 8 } })))
    const fresh = await uploaded(csvOf(mugRows({ 'MUG-S': { price: '19.00', stock: 8 } })))
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString()
    await changeImports(shop.db, { updated_at: eightDaysAgo }, stale.id)
    expect(await expireStaleImports(shop.db)).toBe(1)
    expect(await expireStaleImports(shop.db)).toBe(0)
    const files = await shop.db.selectFrom('product_import_files').select('import_id').execute()
    expect(files).toEqual([{ import_id: fresh.id }])

    const page = await staff.get(stale.location)
    expect(page.body).toContain(EXPIRED_NOTICE)
    expect(page.body).toContain('What the import would change')
    expect(page.body).not.toContain('Apply the import')
    expect(await htmlErrors(page.body)).toEqual([])
    const refused = await staff.post(`/admin/products/imports/${stale.id}/application`)
    expect(refused.statusCode).toBe(303)
    expect(await variant('MUG-S')).toMatchObject({ price: 1800 })
    expect((await staff.get(stale.location)).body).toContain(EXPIRED_NOTICE)

    // The other one, checked today, still applies.
    expect((await staff.post(`/admin/products/imports/${fresh.id}/application`)).statusCode).toBe(303)
    expect(await variant('MUG-S')).toMatchObject({ price: 1900 })
  })

  it('refuses an upload with a wrong form token, or from another site, storing nothing', async () => {
    const before = await counts()
    // A page with a form gives the session its token; the upload must then carry it.
    await staff.get('/admin/products/imports/new')
    const forged = await upload(csvFile(csvOf(newBoard)), { token: 'not-the-token' })
    expect(forged.statusCode).toBe(403)
    expect(forged.body).toContain('This form could not be sent')
    const token = csrfTokenIn((await staff.get('/admin/products/imports/new')).body) ?? ''
    const { payload, contentType } = multipartBody({ _csrf: token }, [csvFile(csvOf(newBoard))])
    const crossSite = await shop.app.inject({
      method: 'POST',
      url: '/admin/products/imports',
      payload,
      headers: { 'content-type': contentType, cookie: staff.cookie, origin: 'https://evil.example' },
    })
    expect(crossSite.statusCode).toBe(403)
    expect(await counts()).toEqual(before)
  })

  it('refuses what is not a CSV file of products with 422, too large a file with 413, and stores nothing', async () => {
    const before = await counts()
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
    for (const [file, message] of [
      [
        { field: 'file', filename: 'photo.png', type: 'image/png', content: png },
        'Choose a CSV file (its name ends in .csv)',
      ],
      [
        csvFile('a,b', 'products.xlsx'),
        'This is a spreadsheet file: in your spreadsheet, save it as “CSV UTF-8” and import that',
      ],
      [{ ...csvFile(''), content: png }, 'This file is not CSV text: save it from your spreadsheet as “CSV UTF-8”'],
      [{ ...csvFile(''), content: Buffer.from([0x68, 0x61, 0xe9, 0x2c]) }, 'This file is not CSV text'],
      [csvFile(''), 'The file is empty'],
      [
        csvFile('handle,pirce\r\nmug,18\r\n'),
        '“pirce” is not a column this shop knows; The first row must name the sku column',
      ],
      [csvFile(csvOf([])), 'The file has no rows under its first (header) row'],
      [{ ...csvFile(''), filename: '' }, 'Choose the CSV file to import'],
    ] as const) {
      const response = await upload(file)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain('href="#f-file"')
    }
    expect(await htmlErrors((await upload(csvFile(''))).body)).toEqual([])

    const huge = Buffer.alloc(50 * 1024 * 1024 + 1, 'a')
    const tooLarge = await upload({ ...csvFile(''), content: huge })
    expect(tooLarge.statusCode).toBe(413)
    expect(tooLarge.body).toContain('The file is larger than 50 MB')
    expect(await counts()).toEqual(before)
  })

  describe('the limit on rows', () => {
    const boards = (count: number) =>
      csvOf(Array.from({ length: count }, (_, i) => ({ ...newBoard[0], handle: `board-${i}`, sku: `BOARD-${i}` })))
    const accept = (text: string, maxRows: number) =>
      acceptProductCsv(
        shop.db,
        { fileName: 'products.csv', mimeType: 'text/csv', content: Buffer.from(text) },
        staff.user,
        silentLog,
        { maxRows },
      )

    it('refuses a file with more rows than the limit with 422 and what to do, storing nothing', async () => {
      const before = await counts()
      // Small rows, so the file is well under the size limit; a lone inch mark is text, and no reason to miscount.
      const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `p-${i},Pot ${i}" wide,S-${i}\r\n`)
      const response = await upload(csvFile(`handle,title,sku\r\n${rows.join('')}`))
      expect(response.statusCode).toBe(422)
      expect(response.body).toContain(
        'This file has more than 100,000 rows: split it into files of at most 100,000 rows each; nothing was imported',
      )
      expect(response.body).toContain('href="#f-file"')
      expect(response.body).toContain('Up to 50 MB and 100,000 rows')

      expect(await accept(boards(4), 3)).toEqual({
        kind: 'invalid',
        status: 422,
        errors: {
          file: 'This file has more than 3 rows: split it into files of at most 3 rows each; nothing was imported',
        },
      })
      expect(await counts()).toEqual(before)
    })

    it('takes a file of exactly as many rows as the limit, and checks it', async () => {
      expect(await accept(boards(3), 3)).toMatchObject({ kind: 'queued', inline: true })
      const stored = await shop.db
        .selectFrom('product_imports')
        .select(['status', 'rows_total', 'error_count'])
        .executeTakeFirstOrThrow()
      expect(stored).toEqual({ status: 'checked', rows_total: 3, error_count: 0 })
    })

    it('stops checking a file stored before the limit was lower at the first row past it, keeping none', async () => {
      const now = new Date().toISOString()
      await insertImport(
        shop.db,
        {
          file_name: 'products.csv',
          file_size: 1000,
          status: 'checking',
          rows_total: 4,
          created_by: staff.user.id,
          created_at: now,
          updated_at: now,
        },
        boards(4),
      )
      expect(await runProductImportJobs(shop.db, { log: silentLog, maxRows: 3 })).toBe(1)
      const stored = await shop.db
        .selectFrom('product_imports')
        .select(['status', 'error_count', 'plan_hash', 'report'])
        .executeTakeFirstOrThrow()
      expect(stored).toMatchObject({ status: 'checked', error_count: 1, plan_hash: null })
      const report = JSON.parse(stored.report ?? '{}') as ImportReport
      expect(report.errors).toEqual([
        {
          line: 5,
          column: null,
          message: 'This file has more than 3 rows: split it into files of at most 3 rows each; nothing was imported',
        },
      ])
      expect(report.counts.productsCreated).toBe(0)
    })
  })

  it('reads a character outside the Basic Multilingual Plane whole where the file is read in pieces', async () => {
    let text = 'handle,title,sku,price,description_md\r\n'
    for (let i = 0; text.length < 60_000; i++) text += `pot-${i},Pot ${i},POT-${i},5.00,${'a'.repeat(1000)}\r\n`
    const start = `${text}vase,Vase,VASE-1,9.00,`
    // The stored text is read 65,536 characters at a time: the plant's two halves fall either side of that.
    const description = `${'b'.repeat(65_535 - start.length)}🪴 end`
    const { id } = await uploaded(`${start}${description}\r\n`)
    expect((await staff.post(`/admin/products/imports/${id}/application`)).statusCode).toBe(303)
    const product = await shop.db
      .selectFrom('products')
      .select('description_md')
      .where('slug', '=', 'vase')
      .executeTakeFirstOrThrow()
    expect(product.description_md).toBe(description)
  })

  it('checks and applies a large file in the background, with a progress bar that reloads itself', async () => {
    const rows: Row[] = []
    for (let n = 1; rows.length < 4000; n++) {
      rows.push({
        handle: `print-${n}`,
        title: `Print number ${n}, on heavy paper`,
        status: 'draft',
        description_md: 'A print on heavy paper. '.repeat(3),
        option1_name: 'Size',
        option1_value: 'A4',
        sku: `PRINT-${n}-A4`,
        price: '12.00',
        stock: 2,
        track_stock: 'yes',
        allow_backorder: 'no',
      })
      rows.push({ ...rows[rows.length - 1], option1_value: 'A3', sku: `PRINT-${n}-A3`, price: '16.00' })
    }
    const text = csvOf(rows)
    expect(text.length).toBeGreaterThan(INLINE_BYTES)
    const { location, id } = await uploaded(text)

    const waiting = await staff.get(location)
    expect(waiting.headers.refresh).toBe('2')
    expect(waiting.body).toContain('<progress id="progress" value="0" max="4000"')
    expect(waiting.body).toContain('0 of 4,000 rows checked')
    expect(await htmlErrors(waiting.body)).toEqual([])

    expect(await runProductImportJobs(shop.db, { log: silentLog })).toBe(1)
    const report = await staff.get(location)
    expect(report.headers.refresh).toBeUndefined()
    expect(report.body).toMatch(/<dt>Products created<\/dt><dd>2,000<\/dd>/)
    expect(report.body).toContain('The first 200 of 2,000 are listed.')

    expect((await staff.post(`/admin/products/imports/${id}/application`)).statusCode).toBe(303)
    const applying = await staff.get(location)
    expect(applying.headers.refresh).toBe('2')
    expect(applying.body).toContain('<progress aria-labelledby="progress-title">')
    expect(await htmlErrors(applying.body)).toEqual([])

    expect(await runProductImportJobs(shop.db, { log: silentLog })).toBe(1)
    expect((await counts()).variants).toBe(4002)
    expect((await ledger()).length).toBe(4000)
    expect((await staff.get(location)).body).toContain('The import is applied')
  })

  it('takes over an import whose process died, and gives up on one that keeps failing', async () => {
    const { id } = await uploaded(csvOf(newBoard))
    // As if a process had claimed it to apply and died holding it.
    const past = new Date(Date.now() - 1000).toISOString()
    await changeImports(shop.db, {
      status: 'applying',
      applied_by: staff.user.id,
      claimed_by: 'dead-process',
      locked_until: past,
    })
    expect(await runProductImportJobs(shop.db, { log: silentLog })).toBe(1)
    expect(await variant('OAK-1')).toBeDefined()
    expect((await shop.db.selectFrom('product_imports').select('status').executeTakeFirstOrThrow()).status).toBe(
      'applied',
    )

    const second = await uploaded(csvOf(mugRows({ 'MUG-S': { stock: 9 } })))
    await changeImports(
      shop.db,
      { status: 'checking', claimed_by: 'dead-process', locked_until: past, attempts: 3 },
      second.id,
    )
    await runProductImportJobs(shop.db, { log: silentLog })
    const page = await staff.get(second.location)
    expect(page.body).toContain('This file could not be checked after 3 tries, and nothing was imported.')
    expect((await variant('MUG-S'))?.stock).toBe(5)
    expect(id).not.toBe(second.id)
  })

  it('lets one process only claim an import, however many look at once', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ ...newBoard[0], handle: `board-${i}`, sku: `BOARD-${i}` }))
    await uploaded(csvOf(rows))
    // Three processes: three connections to the same database file.
    const others = [createDb(shop.config.database), createDb(shop.config.database)]
    try {
      const runs = await Promise.all([shop.db, ...others].map((db) => runProductImportJobs(db, { log: silentLog })))
      expect(runs.reduce((a, b) => a + b, 0)).toBe(1)
    } finally {
      await Promise.all(others.map((db) => db.destroy()))
    }
    const stored = await shop.db.selectFrom('product_imports').select(['status', 'attempts']).executeTakeFirstOrThrow()
    expect(stored).toEqual({ status: 'checked', attempts: 1 })
  })

  it('answers 404 for an import that does not exist', async () => {
    expect((await staff.get('/admin/products/imports/99999')).statusCode).toBe(404)
    expect((await staff.get('/admin/products/imports/nope')).statusCode).toBe(404)
    expect((await staff.post('/admin/products/imports/99999/application')).statusCode).toBe(404)
  })

  it('is not taken for a product’s own pages', async () => {
    const page = await staff.get('/admin/products/imports/new')
    expect(page.body).toContain('<h1>Import products</h1>')
    expect((await staff.get(`/admin/products/${mugId}`)).statusCode).toBe(200)
  })
})

describe('product import with the background jobs running in the server', () => {
  it('checks a large file without being asked', async () => {
    const shop = await buildTestApp({ runWorker: true })
    try {
      await shop.app.ready()
      const staff = await staffSession(shop)
      const rows = Array.from({ length: 3000 }, (_, i) => ({
        handle: `card-${i}`,
        title: `Greeting card ${i}, folded`,
        status: 'draft',
        sku: `CARD-${i}`,
        price: '3.50',
        stock: 10,
        track_stock: 'yes',
        allow_backorder: 'no',
        description_md: 'Printed on recycled card. '.repeat(3),
      }))
      const token = csrfTokenIn((await staff.get('/contact')).body) ?? ''
      const response = await postMultipart(
        shop.app,
        '/admin/products/imports',
        { _csrf: token },
        [csvFile(csvOf(rows))],
        {
          cookie: staff.cookie,
        },
      )
      expect(response.statusCode).toBe(303)
      let page = await staff.get(response.headers.location as string)
      for (let i = 0; i < 100 && page.headers.refresh; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        page = await staff.get(response.headers.location as string)
      }
      expect(page.body).toMatch(/<dt>Products created<\/dt><dd>3,000<\/dd>/)
    } finally {
      await shop.close()
    }
  })
})

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { csvRow } from '../../lib/csv.js'
import type { CatalogueState, ExistingProduct, ExistingVariant } from './catalogue-state.js'
import { planImport } from './import-plan.js'
import { importReport, planHash } from './import-report.js'
import { CSV_PARSE_OPTIONS, PRODUCT_CSV_COLUMNS, type ProductCsvColumn, unguardCell } from './product-csv.js'
import { ProductRowReader, readHeader } from './product-rows.js'

type Row = Partial<Record<ProductCsvColumn, string | number>>

/** A file as the export writes it: every column, lib/csv.ts quoting and formula guards. */
function csvOf(rows: Row[], columns: readonly ProductCsvColumn[] = PRODUCT_CSV_COLUMNS): string {
  return `\uFEFF${csvRow([...columns])}${rows.map((row) => csvRow(columns.map((c) => row[c] ?? ''))).join('')}`
}

const MUG: ExistingProduct = {
  id: 1,
  slug: 'heather-mug',
  title: 'Heather Mug',
  status: 'active',
  category_id: 5,
  tax_class: 'standard',
  description_md: 'A **stoneware** mug.',
  seo_title: null,
  seo_description: null,
  attributes: '{"Material":"Stoneware"}',
  option_names: '["Size"]',
  published_at: '2026-11-01T00:00:00.000Z',
}

const variant = (id: number, sku: string, size: string, extra: Partial<ExistingVariant> = {}): ExistingVariant => ({
  id,
  product_id: 1,
  product_slug: 'heather-mug',
  sku,
  options: JSON.stringify({ Size: size }),
  price: 1800,
  compare_at_price: null,
  stock: 5,
  track_stock: 1,
  allow_backorder: 0,
  position: id - 10,
  ...extra,
})

const SMALL = variant(10, 'MUG-S', 'Small')
const LARGE = variant(11, 'MUG-L', 'Large', { price: 2000, stock: 3 })

/** The shop: one product with two variants, in the category mugs. */
function shop(overrides: Partial<CatalogueState> = {}): CatalogueState {
  return {
    currency: 'GBP',
    categoryIds: new Map([
      ['mugs', 5],
      ['plates', 6],
    ]),
    categorySlugs: new Map([
      [5, 'mugs'],
      [6, 'plates'],
    ]),
    variants: new Map([
      ['MUG-S', SMALL],
      ['MUG-L', LARGE],
    ]),
    products: new Map([['heather-mug', MUG]]),
    productVariants: new Map([[1, [SMALL, LARGE]]]),
    redirects: new Map(),
    ...overrides,
  }
}

/** The mug's rows as the export writes them: its product's cells repeated on each variant's row. */
const mugRows = (): Row[] => {
  const product: Row = {
    handle: 'heather-mug',
    title: 'Heather Mug',
    status: 'active',
    category: 'mugs',
    tax_class: 'standard',
    description_md: 'A **stoneware** mug.',
    attributes: '{"Material":"Stoneware"}',
    option1_name: 'Size',
  }
  const stocked = { track_stock: 'yes', allow_backorder: 'no' }
  return [
    { ...product, option1_value: 'Small', sku: 'MUG-S', price: '18.00', stock: 5, ...stocked },
    { ...product, option1_value: 'Large', sku: 'MUG-L', price: '20.00', stock: 3, ...stocked },
  ]
}

function read(csv: string) {
  const [header = [], ...records] = parse(csv, CSV_PARSE_OPTIONS) as string[][]
  const checked = readHeader(header)
  if (!checked.ok) throw new Error(checked.errors.map((e) => e.message).join('; '))
  const reader = new ProductRowReader(checked.columns, 'GBP')
  records.forEach((record, i) => {
    reader.read(record, i + 2)
  })
  return reader
}

const planOf = (csv: string, state = shop()) => planImport(read(csv), state)

describe('the header of an import file', () => {
  it('needs the handle and sku columns and takes the others in any order, in any case', () => {
    const checked = readHeader(['SKU', ' Handle ', 'price', ''])
    expect(checked.ok).toBe(true)
    expect(checked.ok && [...checked.columns]).toEqual([
      ['sku', 0],
      ['handle', 1],
      ['price', 2],
    ])
  })

  it('refuses a missing required column, an unknown column and a column named twice, as row 1', () => {
    const checked = readHeader(['handle', 'pirce', 'title', 'Title'])
    expect(checked.ok).toBe(false)
    expect(!checked.ok && checked.errors).toEqual([
      { line: 1, column: null, message: '“pirce” is not a column this shop knows' },
      { line: 1, column: 'title', message: 'The column title appears twice' },
      { line: 1, column: 'sku', message: 'The first row must name the sku column' },
    ])
  })
})

describe('planning an import', () => {
  it('makes a new product from the rows sharing a handle, its later rows leaving the product columns empty', () => {
    const plan = planOf(
      csvOf([
        {
          handle: 'oak-board',
          title: 'Oak Board',
          status: 'active',
          category: 'plates',
          tax_class: 'reduced',
          description_md: 'Cut from **oak**.',
          attributes: '{"Wood":"Oak"}',
          option1_name: 'Size',
          option1_value: 'Small',
          sku: 'OAK-S',
          price: '25.00',
          compare_at_price: '30.00',
          stock: 4,
          track_stock: 'yes',
          allow_backorder: 'no',
        },
        {
          handle: 'oak-board',
          option1_name: 'Size',
          option1_value: 'Large',
          sku: 'OAK-L',
          price: '35.00',
          stock: 0,
          track_stock: 'no',
          allow_backorder: 'no',
        },
      ]),
    )
    expect(plan.errors).toEqual([])
    expect(plan.productsCreated).toEqual([
      {
        line: 2,
        handle: 'oak-board',
        values: {
          title: 'Oak Board',
          status: 'active',
          categoryId: 6,
          taxClass: 'reduced',
          descriptionMd: 'Cut from **oak**.',
          seoTitle: null,
          seoDescription: null,
          attributes: '{"Wood":"Oak"}',
          optionNames: ['Size'],
        },
      },
    ])
    expect(plan.variantsCreated).toEqual([
      {
        line: 2,
        handle: 'oak-board',
        sku: 'OAK-S',
        productId: null,
        position: 0,
        values: {
          options: { Size: 'Small' },
          price: 2500,
          compareAtPrice: 3000,
          stock: 4,
          trackStock: true,
          allowBackorder: false,
        },
      },
      {
        line: 3,
        handle: 'oak-board',
        sku: 'OAK-L',
        productId: null,
        position: 1,
        values: {
          options: { Size: 'Large' },
          price: 3500,
          compareAtPrice: null,
          stock: 0,
          trackStock: false,
          allowBackorder: false,
        },
      },
    ])
    expect(plan.productsUpdated).toEqual([])
    expect(plan.variantsUpdated).toEqual([])
    expect(importReport(plan, 'GBP').productsCreated).toEqual([
      { line: 2, handle: 'oak-board', title: 'Oak Board', status: 'active', variants: 2 },
    ])
  })

  it('changes nothing for the export of the shop as it is: every row is counted unchanged', () => {
    const plan = planOf(csvOf(mugRows()))
    expect(plan.errors).toEqual([])
    expect(plan).toMatchObject({
      rows: 2,
      productsCreated: [],
      productsUpdated: [],
      variantsCreated: [],
      variantsUpdated: [],
    })
    expect(plan.rowsUnchanged).toBe(2)
  })

  it('updates a known SKU’s variant and its product, showing each field before → after', () => {
    const rows = mugRows()
    Object.assign(rows[0] as Row, {
      title: 'Heather Mug, glazed',
      status: 'archived',
      category: '',
      price: '19.50',
      stock: 8,
    })
    Object.assign(rows[1] as Row, {
      title: '',
      status: '',
      category: '',
      compare_at_price: '24.00',
      allow_backorder: 'yes',
    })
    const plan = planOf(csvOf(rows))
    expect(plan.errors).toEqual([])
    expect(plan.productsUpdated).toEqual([
      {
        line: 2,
        handle: 'heather-mug',
        productId: 1,
        title: 'Heather Mug, glazed',
        set: { title: 'Heather Mug, glazed', status: 'archived', categoryId: null },
        before: { title: 'Heather Mug', status: 'active', categoryId: 5 },
        publish: false,
        changes: [
          { field: 'title', before: 'Heather Mug', after: 'Heather Mug, glazed' },
          { field: 'status', before: 'active', after: 'archived' },
          { field: 'category', before: 'mugs', after: '—' },
        ],
      },
    ])
    expect(plan.variantsUpdated.map((v) => [v.line, v.sku, v.changes])).toEqual([
      [
        2,
        'MUG-S',
        [
          { field: 'price', before: '18.00', after: '19.50' },
          { field: 'stock', before: '5', after: '8' },
        ],
      ],
      [
        3,
        'MUG-L',
        [
          { field: 'compare_at_price', before: '—', after: '24.00' },
          { field: 'allow_backorder', before: 'no', after: 'yes' },
        ],
      ],
    ])
    expect(plan.variantsUpdated[0]?.before).toEqual({ price: 1800, stock: 5 })
    expect(plan.rowsUnchanged).toBe(0)
  })

  it('adds a new SKU to the product its handle names, after its variants', () => {
    const rows = mugRows()
    rows.push({
      handle: 'heather-mug',
      option1_name: 'Size',
      option1_value: 'Huge',
      sku: 'MUG-XL',
      price: '24.00',
      stock: 2,
      track_stock: 'yes',
      allow_backorder: 'no',
    })
    const plan = planOf(csvOf(rows))
    expect(plan.errors).toEqual([])
    expect(plan.variantsCreated).toMatchObject([{ line: 4, sku: 'MUG-XL', productId: 1, position: 2 }])
    expect(plan.rowsUnchanged).toBe(2)
  })

  it('leaves a column the file lacks as it is, and needs a title and a price only for what is new', () => {
    const columns: ProductCsvColumn[] = ['handle', 'sku', 'stock']
    const plan = planOf(
      csvOf(
        [
          { handle: 'heather-mug', sku: 'MUG-S', stock: 9 },
          { handle: 'new-thing', sku: 'NEW-1', stock: 1 },
        ],
        columns,
      ),
    )
    expect(plan.errors).toEqual([
      { line: 3, column: 'title', message: 'A new product needs a title: add the title column' },
      { line: 3, column: 'price', message: 'A new variant needs a price: add the price column' },
    ])
    const stockOnly = planOf(csvOf([{ handle: 'heather-mug', sku: 'MUG-S', stock: 9 }], columns))
    expect(stockOnly.errors).toEqual([])
    expect(stockOnly.productsUpdated).toEqual([])
    expect(stockOnly.variantsUpdated.map((v) => v.set)).toEqual([{ stock: 9 }])
  })

  it('reports each mistake in a row by its spreadsheet row and column, in words for people', () => {
    const good = mugRows()[0] as Row
    const bad = (changes: Row): Row => ({
      ...good,
      handle: 'new-mug',
      sku: `NEW-${Math.random()}`.slice(0, 12).replace('.', ''),
      ...changes,
    })
    const cases: [Row, ProductCsvColumn | null, string][] = [
      [{ handle: '' }, 'handle', 'Enter the product’s handle, its web address, like blue-mug'],
      [
        { handle: 'Blue Mug!' },
        'handle',
        'A handle is lower-case letters, digits and single hyphens, like blue-mug (at most 150)',
      ],
      [{ sku: '' }, 'sku', 'Enter the variant’s SKU'],
      [{ sku: 'A'.repeat(65) }, 'sku', 'A SKU is at most 64 characters'],
      [{ title: 'T'.repeat(201) }, 'title', 'The title must be at most 200 characters'],
      [{ status: 'live' }, 'status', 'The status is draft, active or archived'],
      [{ tax_class: 'luxury' }, 'tax_class', 'The tax class is standard, reduced or zero'],
      [{ category: 'cups' }, 'category', 'No category has the address “cups”'],
      [
        { seo_description: 'd'.repeat(321) },
        'seo_description',
        'The search-engine description must be at most 320 characters',
      ],
      [
        { attributes: '{Material: Stoneware}' },
        'attributes',
        'Write the attributes as JSON, like {"Material":"Stoneware"}',
      ],
      [{ attributes: '{"Weight":300}' }, 'attributes', 'Write the value of Weight in quotes, like "300 g"'],
      [
        { option1_name: '', option1_value: 'Small' },
        'option1_name',
        'Name this option, like Size, or leave its value empty',
      ],
      [{ option1_value: '' }, 'option1_value', 'Enter this variant’s Size'],
      [{ option2_name: 'Size', option2_value: 'M' }, 'option2_name', 'Size is already an option on this row'],
      [
        { option1_name: '', option1_value: '', option2_name: 'Size', option2_value: 'M' },
        'option2_name',
        'Fill in option 1 before option 2',
      ],
      [{ price: '' }, 'price', 'Enter the price, like 18.00'],
      [{ price: '£18.00' }, 'price', 'Enter the price as an amount in GBP, like 18.00'],
      [{ price: '18.505' }, 'price', 'Enter the price as an amount in GBP, like 18.00'],
      [
        { compare_at_price: 'soon' },
        'compare_at_price',
        'Enter the compare-at price as an amount in GBP, like 18.00, or leave it empty',
      ],
      [
        { compare_at_price: '17.00' },
        'compare_at_price',
        'The compare-at price is the higher price it was: more than the price',
      ],
      [{ stock: '2.5' }, 'stock', 'Enter the stock as a whole number, like 12'],
      [{ stock: '-2' }, 'stock', 'Stock below zero needs backorders allowed (allow_backorder yes)'],
      [{ track_stock: 'maybe' }, 'track_stock', 'Enter yes or no'],
      [{ sku: 'NEW SKU' }, 'sku', 'A new SKU is up to 64 letters, digits, dots, hyphens or underscores'],
      [{ status: '' }, 'status', 'Enter the status on the product’s first row: draft, active or archived'],
      [{ title: '' }, 'title', 'Enter the product’s title on its first row'],
    ]
    for (const [row, column, message] of cases) {
      const plan = planOf(csvOf([{}, row].map((r, i) => (i === 0 ? { ...good } : bad(r)))))
      expect(plan.errors, message).toEqual([{ line: 3, column, message }])
      expect(plan.productsCreated, message).toEqual([])
      expect(plan.variantsCreated, message).toEqual([])
    }
    // Negative stock is fine with backorders; so is a compare-at price above the price.
    expect(planOf(csvOf([bad({ stock: '-2', allow_backorder: 'yes', compare_at_price: '19.00' })])).errors).toEqual([])
  })

  it('refuses a SKU that appears twice in the file, naming the row it first appeared on', () => {
    const rows = mugRows()
    rows.push({ ...(rows[1] as Row), option1_value: 'Medium' })
    const plan = planOf(csvOf(rows))
    expect(plan.errors).toEqual([
      { line: 4, column: 'sku', message: 'This SKU is also on row 3: each variant has one row' },
    ])
  })

  it('still checks a row with a mistake against the others, without inventing mistakes from what it lacks', () => {
    const rows = mugRows()
    Object.assign(rows[0] as Row, { price: 'cheap', category: 'cups' })
    Object.assign(rows[1] as Row, { title: 'Heather Cup', category: '' })
    expect(planOf(csvOf(rows)).errors).toEqual([
      { line: 2, column: 'category', message: 'No category has the address “cups”' },
      { line: 2, column: 'price', message: 'Enter the price as an amount in GBP, like 18.00' },
      {
        line: 3,
        column: 'title',
        message: 'This differs from row 2, the first row of heather-mug: repeat that value or leave it empty',
      },
    ])
  })

  it('refuses a product whose rows disagree on its fields', () => {
    const rows = mugRows()
    Object.assign(rows[1] as Row, { title: 'Heather Cup', tax_class: 'zero' })
    const plan = planOf(csvOf(rows))
    expect(plan.errors).toEqual([
      {
        line: 3,
        column: 'title',
        message: 'This differs from row 2, the first row of heather-mug: repeat that value or leave it empty',
      },
      {
        line: 3,
        column: 'tax_class',
        message: 'This differs from row 2, the first row of heather-mug: repeat that value or leave it empty',
      },
    ])
    expect(plan.productsUpdated).toEqual([])
  })

  it('keeps a product’s options the same across its variants, and unique', () => {
    const rows = mugRows()
    Object.assign(rows[1] as Row, { option1_name: 'Colour' })
    expect(planOf(csvOf(rows)).errors).toEqual([
      {
        line: 3,
        column: 'option1_name',
        message: 'Every variant of a product has the same options: row 2 has Size, this row Colour',
      },
    ])

    const same = mugRows()
    Object.assign(same[1] as Row, { option1_value: 'small' })
    expect(planOf(csvOf(same)).errors).toEqual([
      { line: 3, column: 'option1_value', message: 'Another variant of this product has the same options (row 2)' },
    ])

    // The file leaves MUG-L out, which keeps its Size: renaming the option would leave it behind.
    const renamed = [{ ...(mugRows()[0] as Row), option1_name: 'Capacity' }]
    expect(planOf(csvOf(renamed)).errors).toEqual([
      {
        line: 2,
        column: 'option1_name',
        message:
          'The options would change from Size to Capacity, but the file leaves out the variant MUG-L: include every variant of the product, or keep its options',
      },
    ])
    // With every variant in the file, the options can be renamed.
    const all = mugRows().map((r) => ({ ...r, option1_name: 'Capacity' }))
    const plan = planOf(csvOf(all))
    expect(plan.errors).toEqual([])
    expect(plan.productsUpdated[0]?.changes).toEqual([{ field: 'options', before: 'Size', after: 'Capacity' }])
    expect(plan.variantsUpdated.map((v) => v.changes)).toEqual([
      [{ field: 'options', before: 'Size: Small', after: 'Capacity: Small' }],
      [{ field: 'options', before: 'Size: Large', after: 'Capacity: Large' }],
    ])
  })

  it('gives a product without options one variant', () => {
    const plan = planOf(
      csvOf([
        {
          handle: 'tea-towel',
          title: 'Tea Towel',
          status: 'draft',
          sku: 'TOWEL-1',
          price: '8.00',
          stock: 1,
          track_stock: 'yes',
          allow_backorder: 'no',
        },
        { handle: 'tea-towel', sku: 'TOWEL-2', price: '8.00', stock: 1, track_stock: 'yes', allow_backorder: 'no' },
      ]),
    )
    expect(plan.errors).toEqual([
      {
        line: 3,
        column: 'sku',
        message:
          'A product without options has one variant (row 2 is already it): name an option, like Size, to sell several',
      },
    ])
  })

  it('never moves a variant to another product, nor takes an address that still redirects', () => {
    const plan = planOf(
      csvOf([
        { ...(mugRows()[0] as Row), handle: 'other-mug', title: 'Other Mug' },
        { ...(mugRows()[1] as Row), handle: 'old-mug', sku: 'OLD-1', title: 'Old Mug' },
      ]),
      shop({ redirects: new Map([['old-mug', 'heather-mug']]) }),
    )
    expect(plan.errors).toEqual([
      {
        line: 2,
        column: 'sku',
        message: 'This SKU belongs to the product heather-mug; an import cannot move it to other-mug',
      },
      {
        line: 3,
        column: 'handle',
        message: 'This address used to be the product “heather-mug”’s and still leads there; choose another handle',
      },
    ])
  })

  it('reads a cell back as the export wrote it: formula guards come off, quotes, commas and line breaks stay', () => {
    const tricky: Partial<ExistingProduct> = {
      title: '=HYPERLINK("x"), "quoted"',
      description_md: '- one\r\n- two, with a comma\n\n@mention +44',
      seo_title: '+44 sale',
      seo_description: "'already an apostrophe",
    }
    const rows = mugRows().map((r) => ({
      ...r,
      title: tricky.title,
      description_md: tricky.description_md,
      seo_title: tricky.seo_title,
      seo_description: tricky.seo_description,
      stock: r.sku === 'MUG-S' ? -3 : r.stock,
      allow_backorder: r.sku === 'MUG-S' ? 'yes' : 'no',
    })) as Row[]
    const csv = csvOf(rows)
    expect(csv).toContain(`"'=HYPERLINK(""x""), ""quoted"""`)
    expect(csv).toContain(`"'- one\r\n- two, with a comma`)
    const plan = planOf(
      csv,
      shop({
        products: new Map([['heather-mug', { ...MUG, ...tricky }]]),
        variants: new Map([
          ['MUG-S', { ...SMALL, stock: -3, allow_backorder: 1 }],
          ['MUG-L', LARGE],
        ]),
      }),
    )
    expect(plan.errors).toEqual([])
    expect(plan.productsUpdated).toEqual([])
    expect(plan.variantsUpdated).toEqual([])
    expect(plan.rowsUnchanged).toBe(2)
  })

  it('takes off only the apostrophe the shop’s own writer adds', () => {
    expect(unguardCell("'=SUM(A1)")).toBe('=SUM(A1)')
    expect(unguardCell("'-5")).toBe('-5')
    expect(unguardCell("'@home")).toBe('@home')
    expect(unguardCell("'+44")).toBe('+44')
    expect(unguardCell("'tis")).toBe("'tis")
    expect(unguardCell("'")).toBe("'")
    expect(unguardCell('=1')).toBe('=1')
  })

  it('skips blank rows but keeps counting them, and refuses a row longer than the header', () => {
    const csv = `${csvOf(mugRows().slice(0, 1))}\r\n,,,\r\n${csvRow([...PRODUCT_CSV_COLUMNS.map(() => ''), 'extra'])}`
    const plan = planOf(csv)
    expect(plan.rows).toBe(2)
    expect(plan.errors).toContainEqual({
      line: 5,
      column: null,
      message: 'This row has more cells than the first row has columns',
    })
  })

  it('fingerprints the plan: the same file over the same data hashes the same, a change underneath does not', () => {
    const rows = mugRows()
    Object.assign(rows[0] as Row, { price: '19.00' })
    const csv = csvOf(rows)
    const first = planHash(planOf(csv), 'GBP')
    expect(planHash(planOf(csv), 'GBP')).toBe(first)
    const sold = shop({
      variants: new Map([
        ['MUG-S', { ...SMALL, stock: 4 }],
        ['MUG-L', LARGE],
      ]),
    })
    expect(planHash(planOf(csv, sold), 'GBP')).not.toBe(first)
    expect(planHash(planOf(csv), 'EUR')).not.toBe(first)
  })
})

import type { Options as CsvParseOptions } from 'csv-parse'
import { csvRow } from '../../lib/csv.js'
import { NO, YES } from '../products/product-rules.js'

/** The product's fields with a column each (its option names stand beside the variants' values). */
export const PRODUCT_FIELD_COLUMNS = [
  /** The product's name. */
  'title',
  /** draft, active or archived. */
  'status',
  /** The web address (slug) of the product's category; empty for none. */
  'category',
  /** Which tax rate applies: standard, reduced or zero. */
  'tax_class',
  /** The description in Markdown. */
  'description_md',
  /** The title search engines show; empty to use the product's title. */
  'seo_title',
  /** The description search engines show; empty to use the start of the description. */
  'seo_description',
  /** Free-form attributes as a JSON object of text, e.g. {"Material":"Stoneware"}; empty for none. */
  'attributes',
] as const

/**
 * The product CSV format, shared by the export (/admin/products.csv) and the
 * import: one row per variant, the product's columns repeated (or left
 * empty) on its second and later rows. Written with lib/csv.ts, read back by
 * product-rows.ts, so a file exported and imported unchanged changes nothing.
 */
export const PRODUCT_CSV_COLUMNS = [
  /** The product's web address (slug); rows with the same handle are one product's variants. */
  'handle',
  ...PRODUCT_FIELD_COLUMNS,
  /** The first option's name (Size); empty for a product without options. */
  'option1_name',
  /** This variant's value of the first option (M). */
  'option1_value',
  /** The second option's name (Colour), or empty. */
  'option2_name',
  /** This variant's value of the second option. */
  'option2_value',
  /** The third option's name, or empty. */
  'option3_name',
  /** This variant's value of the third option. */
  'option3_value',
  /** The variant's stock-keeping unit: unique in the shop, the key an import matches rows by. */
  'sku',
  /** The price in the shop's currency as a plain decimal, e.g. 18.00. */
  'price',
  /** The higher price it was, shown crossed out (a decimal), or empty. */
  'compare_at_price',
  /** Units in stock: a whole number. */
  'stock',
  /** yes when the shop counts this variant's stock, no when it never runs out. */
  'track_stock',
  /** yes when it may be ordered with no stock left, no otherwise. */
  'allow_backorder',
] as const

export type ProductCsvColumn = (typeof PRODUCT_CSV_COLUMNS)[number]

/** The two values of a yes/no column. */
export const CSV_YES = YES
export const CSV_NO = NO

/** The columns every import file names; any other column may be left out, and is then left as it is. */
export const REQUIRED_IMPORT_COLUMNS: readonly ProductCsvColumn[] = ['handle', 'sku']

/** The columns as the import page explains them to staff, in the file's order. */
export const PRODUCT_CSV_COLUMN_HELP: Record<ProductCsvColumn, string> = {
  handle: 'The product’s web address, like blue-mug. Rows with the same handle are the variants of one product.',
  title: 'The product’s name. Needed on the product’s first row.',
  status: 'draft, active or archived.',
  category: 'The web address of the product’s category, like mugs; empty for none.',
  tax_class: 'standard, reduced or zero; empty means standard.',
  description_md: 'The description, in Markdown.',
  seo_title: 'The title search engines show; empty to use the product’s title.',
  seo_description: 'The description search engines show; empty to use the start of the description.',
  attributes: 'Attributes as JSON, like {"Material":"Stoneware"}; empty for none.',
  option1_name: 'The first option’s name, like Size; empty for a product without options.',
  option1_value: 'This variant’s value of it, like M.',
  option2_name: 'The second option’s name, like Colour, or empty.',
  option2_value: 'This variant’s value of it.',
  option3_name: 'The third option’s name, or empty.',
  option3_value: 'This variant’s value of it.',
  sku: 'The variant’s code, unique in the shop. A row whose SKU the shop knows updates that variant; a new SKU adds a variant.',
  price: 'The price as a plain amount, like 18.00.',
  compare_at_price: 'The higher price it was, shown crossed out, or empty.',
  stock: 'Units in stock, a whole number.',
  track_stock: 'yes when the shop counts the stock, no when it never runs out.',
  allow_backorder: 'yes when it may be ordered with none left, no otherwise.',
}

/** A product with two variants, for the template file staff can fill in. */
export const PRODUCT_CSV_EXAMPLE: Record<ProductCsvColumn, string>[] = [
  {
    handle: 'linen-apron',
    title: 'Linen Apron',
    status: 'draft',
    category: '',
    tax_class: 'standard',
    description_md: 'A **linen** apron with a long strap.',
    seo_title: '',
    seo_description: '',
    attributes: '{"Material":"Linen"}',
    option1_name: 'Size',
    option1_value: 'Small',
    option2_name: '',
    option2_value: '',
    option3_name: '',
    option3_value: '',
    sku: 'APRON-LINEN-S',
    price: '16.00',
    compare_at_price: '',
    stock: '12',
    track_stock: CSV_YES,
    allow_backorder: CSV_NO,
  },
  {
    handle: 'linen-apron',
    title: '',
    status: '',
    category: '',
    tax_class: '',
    description_md: '',
    seo_title: '',
    seo_description: '',
    attributes: '',
    option1_name: 'Size',
    option1_value: 'Large',
    option2_name: '',
    option2_value: '',
    option3_name: '',
    option3_value: '',
    sku: 'APRON-LINEN-L',
    price: '18.00',
    compare_at_price: '22.00',
    stock: '8',
    track_stock: CSV_YES,
    allow_backorder: CSV_NO,
  },
]

/** The template file staff can fill in: the header and the example product. */
export function productCsvTemplate(): string {
  const rows = PRODUCT_CSV_EXAMPLE.map((example) => csvRow(PRODUCT_CSV_COLUMNS.map((c) => example[c])))
  return `\uFEFF${csvRow([...PRODUCT_CSV_COLUMNS])}${rows.join('')}`
}

/**
 * A cell as the shop wrote it, before lib/csv.ts guarded it: csvCell puts an
 * apostrophe before text a spreadsheet would run as a formula (= + - @, a tab
 * or a carriage return), and only there, so that one apostrophe comes off.
 */
export function unguardCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell
}

/** How csv-parse reads an import: quotes, a byte-order mark and CRLF or LF line ends, as spreadsheets save them. */
export const CSV_PARSE_OPTIONS: CsvParseOptions = {
  bom: true,
  // A short row is read as ending in empty cells; a long one is reported by the row reader.
  relax_column_count: true,
  relax_quotes: true,
  // Blank rows are kept (and skipped by the reader), so row numbers stay the spreadsheet's.
  skip_empty_lines: false,
  max_record_size: 1_000_000,
}

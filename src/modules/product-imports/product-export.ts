import type { Db } from '../../db/connection.js'
import { csvLines } from '../../lib/csv.js'
import { decimalAmount } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { parseJson } from '../catalogue/catalogue.service.js'
import { productQuery } from '../products/product-list.js'
import type { ProductListFilter } from '../products/products.forms.js'
import {
  type AdminProductFilter,
  selectExportProducts,
  selectVariantsOfProducts,
} from '../products/products.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import { PRODUCT_CSV_COLUMNS } from './product-csv.js'

type Column = (typeof PRODUCT_CSV_COLUMNS)[number]

/** The product list's export (/admin/products.csv): its filters' products in the shop's currency. */
export async function exportProductCsv(db: Db, filter: ProductListFilter) {
  const [shop, query] = await Promise.all([getShopSettings(db), productQuery(db, filter)])
  return productCsvLines(db, query, shop.currency)
}

/**
 * The filtered product list as CSV lines, in the columns the import reads
 * (one line per variant, the product's fields on each), so an export edited
 * in a spreadsheet imports back. Streamed in keyset pages of products.
 */
export function productCsvLines(db: Db, filter: AdminProductFilter | null, currency: string) {
  return csvLines(
    PRODUCT_CSV_COLUMNS,
    async (before, batch) => {
      if (!filter) return []
      const products = await selectExportProducts(db, filter, before, batch)
      const variants = await selectVariantsOfProducts(
        db,
        products.map((p) => p.id),
      )
      return products.map((p) => withFields(p, { variants: variants.filter((v) => v.product_id === p.id) }))
    },
    (p) => {
      const optionNames = parseJson<string[]>(p.option_names, [])
      return p.variants.map((v) => {
        const options = parseJson<Record<string, string>>(v.options, {})
        const cells: Record<Column, string | number> = {
          handle: p.slug,
          title: p.title,
          status: p.status,
          category: p.category_slug ?? '',
          tax_class: p.tax_class,
          description_md: p.description_md,
          seo_title: p.seo_title ?? '',
          seo_description: p.seo_description ?? '',
          attributes: p.attributes === '{}' ? '' : p.attributes,
          option1_name: optionNames[0] ?? '',
          option1_value: options[optionNames[0] ?? ''] ?? '',
          option2_name: optionNames[1] ?? '',
          option2_value: options[optionNames[1] ?? ''] ?? '',
          option3_name: optionNames[2] ?? '',
          option3_value: options[optionNames[2] ?? ''] ?? '',
          sku: v.sku,
          price: decimalAmount(v.price, currency),
          compare_at_price: v.compare_at_price === null ? '' : decimalAmount(v.compare_at_price, currency),
          stock: v.stock,
          track_stock: v.track_stock ? 'yes' : 'no',
          allow_backorder: v.allow_backorder ? 'yes' : 'no',
        }
        return PRODUCT_CSV_COLUMNS.map((column) => cells[column])
      })
    },
    200,
  )
}

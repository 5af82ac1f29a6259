import type { Db } from '../../db/connection.js'
import type { ProductStatus } from '../../db/schema.js'
import { withFields } from '../../lib/objects.js'
import { missing } from '../../lib/outcomes.js'
import { paginate, withFilters } from '../../lib/pagination.js'
import type { FieldErrors, Validated } from '../../lib/validation.js'
import { selectCoverImages, selectProductById, selectVariants } from '../catalogue/catalogue.repository.js'
import { loadCategoryTree } from '../catalogue/catalogue.service.js'
import { renderDescription } from '../catalogue/markdown.js'
import { thumbnail } from '../images/images.js'
import { getShopSettings } from '../settings/settings.service.js'
import { productFormErrors, productFormInput, productFormValues, variantRowNumbers } from './product-form.js'
import {
  listAdminProducts,
  PRODUCT_COUNT_CAP,
  PRODUCT_SORTS,
  PRODUCTS_PER_PAGE,
  productFilterParams,
} from './product-list.js'
import { MAX_OPTIONS, TAX_CLASSES, YES } from './product-rules.js'
import { type ProductListFilter, productListInput } from './products.forms.js'

/** What the back office's product pages show: the list, the form shared by new and edit, and archiving. */

const STATUS_LABELS: Record<ProductStatus, string> = { draft: 'Draft', active: 'Active', archived: 'Archived' }

/** Spare empty variant rows the form offers; "More variant rows" adds this many again. */
const SPARE_ROWS = 2

// One collator for every sort: localeCompare makes one per call, which shows on a busy list page.
const collator = new Intl.Collator('en')

/** Every category, by name, to choose from. */
async function categoryChoices(db: Db) {
  const tree = await loadCategoryTree(db)
  return [...tree.byId.values()]
    .map((c) => ({ id: c.id, name: c.name }))
    .sort((a, b) => collator.compare(a.name, b.name))
}

/**
 * The product list for its filters; a filter that did not check out shows
 * every product, with the mistakes (422). A page past the last is missing.
 */
export async function productListPage(db: Db, checked: Validated<ProductListFilter>, values: Record<string, string>) {
  const filter = checked.ok ? checked.value : productListInput.parse({})
  const { products, total, page } = await listAdminProducts(db, filter)
  if (checked.ok && page > 1 && products.length === 0) return missing
  const [covers, categories] = await Promise.all([
    selectCoverImages(
      db,
      products.map((p) => p.id),
    ),
    categoryChoices(db),
  ])
  const coverOf = new Map(covers.map((c) => [c.product_id, c]))
  const names = new Map(categories.map((c) => [c.id, c.name]))
  const params = productFilterParams(filter)
  return {
    kind: 'page' as const,
    httpStatus: checked.ok ? 200 : 422,
    title: 'Products',
    values,
    errors: checked.ok ? {} : checked.errors,
    categories,
    sorts: PRODUCT_SORTS,
    products: products.map((p) => {
      const cover = coverOf.get(p.id)
      return withFields(p, {
        statusLabel: STATUS_LABELS[p.status],
        category: p.category_id === null ? '' : (names.get(p.category_id) ?? ''),
        image: cover ? thumbnail(cover, 48) : null,
      })
    }),
    total,
    capped: total >= PRODUCT_COUNT_CAP,
    csvHref: withFilters('/admin/products.csv', withFields(params, { sort: '' })),
    pagination: paginate({
      page,
      perPage: PRODUCTS_PER_PAGE,
      total,
      href: (n) => withFilters('/admin/products', withFields(params, { page: n > 1 ? String(n) : '' })),
    }),
  }
}

/** The product form's schema, with the shop's currency and categories. */
export async function productFormSchema(db: Db) {
  const [shop, categories] = await Promise.all([getShopSettings(db), categoryChoices(db)])
  return productFormInput({ currency: shop.currency, categoryIds: categories.map((c) => c.id) })
}

/**
 * What the form was sent with, when it comes back: the values, the mistakes
 * (keyed by productInput's paths), or the button pressed instead of saving:
 * "Preview the description" shows the Markdown as the shop will, "More
 * variant rows" adds empty rows. Neither saves.
 */
export interface SentProductForm {
  values: Record<string, string>
  errors?: FieldErrors
  action?: 'preview' | 'rows'
}

/** The form of a new product (id null) or of product `id`: as stored, or as sent. */
export async function productFormPage(db: Db, id: number | null, sent?: SentProductForm) {
  const product = id === null ? null : await selectProductById(db, id)
  if (product === undefined) return missing
  const [shop, categories, variants] = await Promise.all([
    getShopSettings(db),
    categoryChoices(db),
    product ? selectVariants(db, product.id) : [],
  ])
  const values =
    sent?.values ??
    (product
      ? productFormValues(product, variants, shop.currency)
      : { tax_class: 'standard', v0_track: YES, v1_track: YES })
  const rows = variantRowNumbers(values)
  const asked = sent ? (sent.action === 'rows' ? SPARE_ROWS + 3 : 0) : product ? 1 : 0
  const spare = Math.max(asked, rows.length === 0 ? SPARE_ROWS : 0)
  const next = rows.length > 0 ? Math.max(...rows) + 1 : 0
  const attributeRows = Object.keys(values).filter((k) => /^attr\d+_name$/.test(k)).length
  return {
    kind: 'page' as const,
    title: product ? product.title : 'New product',
    product: product ? withFields(product, { statusLabel: STATUS_LABELS[product.status] }) : null,
    values,
    errors: sent?.errors ? productFormErrors(sent.errors, values) : {},
    categories,
    taxClasses: TAX_CLASSES,
    currency: shop.currency,
    optionSlots: Array.from({ length: MAX_OPTIONS }, (_, i) => i + 1),
    variantRows: [...rows, ...Array.from({ length: spare }, (_, i) => next + i)],
    attributeRows: Array.from({ length: attributeRows + 2 }, (_, i) => i),
    stockOf: new Map(variants.map((v) => [String(v.id), v])),
    preview: sent?.action === 'preview' ? renderDescription(values.description_md ?? '').html : null,
  }
}

/** The page that asks before a product is archived. */
export async function productArchivalPage(db: Db, id: number) {
  const product = await selectProductById(db, id)
  if (!product) return missing
  return { kind: 'page' as const, title: `Archive ${product.title}`, product }
}

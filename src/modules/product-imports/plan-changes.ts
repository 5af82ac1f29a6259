import type { ProductStatus, TaxClass } from '../../db/schema.js'
import type { VariantFields } from '../products/products.forms.js'
import type { RowError } from './product-rows.js'

/** What an import plan holds: the products and variants it creates and changes, and each change as people read it. */

export interface ProductValues {
  title: string
  status: ProductStatus
  categoryId: number | null
  taxClass: TaxClass
  descriptionMd: string
  seoTitle: string | null
  seoDescription: string | null
  /** JSON object text. */
  attributes: string
  optionNames: string[]
}

/** A variant's values, as the product form has them (stock included: an import sets it). */
export type VariantValues = Pick<
  VariantFields,
  'options' | 'price' | 'compareAtPrice' | 'stock' | 'trackStock' | 'allowBackorder'
>

/** A field that changes, as people read it. */
export interface FieldChange {
  field: string
  before: string
  after: string
}

export interface ProductCreate {
  line: number
  handle: string
  values: ProductValues
}

export interface ProductChange {
  line: number
  handle: string
  productId: number
  title: string
  set: Partial<ProductValues>
  before: Partial<ProductValues>
  /** It becomes active for the first time. */
  publish: boolean
  changes: FieldChange[]
}

export interface VariantCreate {
  line: number
  handle: string
  sku: string
  /** The existing product it joins, or null for the new product of its handle. */
  productId: number | null
  position: number
  values: VariantValues
}

export interface VariantChange {
  line: number
  handle: string
  sku: string
  variantId: number
  productId: number
  set: Partial<VariantValues>
  before: Partial<VariantValues>
  changes: FieldChange[]
}

export interface ImportPlan {
  /** Rows that were not blank. */
  rows: number
  errors: RowError[]
  productsCreated: ProductCreate[]
  productsUpdated: ProductChange[]
  variantsCreated: VariantCreate[]
  variantsUpdated: VariantChange[]
  rowsUnchanged: number
}

import { type Db, inTransaction } from '../../db/connection.js'
import type { Product, ProductStatus } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import type { Actor } from '../activity/activity.service.js'
import { type Changes, logActivity } from '../activity/activity.service.js'
import {
  insertProduct,
  insertProductImage,
  insertVariant,
  selectProductById,
  selectVariants,
  slugTaken,
  updateProductRow,
} from '../catalogue/catalogue.repository.js'
import { moveProductAddress, parseJson, slugify } from '../catalogue/catalogue.service.js'
import { renderDescription } from '../catalogue/markdown.js'
import { recordStockMovement } from '../stock/stock.service.js'
import type { ProductFields, VariantFields } from './products.forms.js'
import {
  deleteVariantRow,
  replaceVariantOptionValues,
  selectProductImageRows,
  selectSkusStartingWith,
  selectTakenSkus,
  updateVariantRow,
} from './products.repository.js'

export type ProductSaveResult =
  | { kind: 'saved'; id: number }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'missing' }

/** The fields the activity log shows before → after. */
function keyFields(p: Pick<Product, 'title' | 'slug' | 'status' | 'category_id' | 'tax_class' | 'seo_title'>) {
  return {
    title: p.title,
    slug: p.slug,
    status: p.status,
    category: p.category_id,
    tax_class: p.tax_class,
    seo_title: p.seo_title,
  }
}

function differences(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {}
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) changes[key] = [before[key] ?? null, value ?? null]
  }
  return changes
}

/** A product's address: the one asked for, or one made from the title that is not taken (blue-mug, blue-mug-2, …). */
async function freeSlug(db: Db, fields: ProductFields, productId?: number): Promise<string | null> {
  if (fields.slug) return (await slugTaken(db, fields.slug, productId)) ? null : fields.slug
  const base = slugify(fields.title)
  let slug = base
  for (let n = 2; await slugTaken(db, slug, productId); n++) slug = `${base}-${n}`
  return slug
}

/** SKUs another product's variants have, keyed as productInput's mistakes are (variants.2.sku). */
async function skuErrors(db: Db, variants: VariantFields[], ownVariantIds: number[]) {
  const taken = new Set(
    await selectTakenSkus(
      db,
      variants.filter((v) => !v.remove).map((v) => v.sku),
      ownVariantIds,
    ),
  )
  const errors: Record<string, string> = {}
  variants.forEach((v, i) => {
    if (!v.remove && taken.has(v.sku)) errors[`variants.${i}.sku`] = `${v.sku} is the SKU of another product’s variant`
  })
  return errors
}

function productColumns(fields: ProductFields, slug: string) {
  const description = renderDescription(fields.descriptionMd)
  return {
    title: fields.title,
    slug,
    description_md: fields.descriptionMd,
    description_html: description.html,
    description_text: description.text,
    seo_title: fields.seoTitle,
    seo_description: fields.seoDescription,
    category_id: fields.categoryId,
    tax_class: fields.taxClass,
    featured: fields.featured ? 1 : 0,
    attributes: JSON.stringify(fields.attributes),
    option_names: JSON.stringify(fields.optionNames),
  }
}

async function addVariant(db: Db, productId: number, v: VariantFields, position: number, actor: Actor, now: string) {
  const id = await insertVariant(
    db,
    {
      product_id: productId,
      sku: v.sku,
      options: JSON.stringify(v.options),
      price: v.price,
      compare_at_price: v.compareAtPrice,
      stock: v.stock,
      track_stock: v.trackStock ? 1 : 0,
      allow_backorder: v.allowBackorder ? 1 : 0,
      position,
      created_at: now,
      updated_at: now,
    },
    v.options,
  )
  // The stock a variant starts with is the first line of its ledger.
  if (v.trackStock && v.stock !== 0) {
    await recordStockMovement(db, {
      variantId: id,
      change: v.stock,
      reason: 'adjustment',
      note: 'Stock when the variant was created',
      actorUserId: actor.id,
    })
  }
  return id
}

/** A new product, always a draft: it reaches the shop when staff publish it. */
export async function createAdminProduct(db: Db, fields: ProductFields, actor: Actor): Promise<ProductSaveResult> {
  return inTransaction(db, async (trx) => {
    const slug = await freeSlug(trx, fields)
    const errors = await skuErrors(trx, fields.variants, [])
    if (!slug) errors.slug = 'Another product has this address; choose another'
    if (Object.keys(errors).length > 0) return { kind: 'invalid', errors }
    const now = nowIso()
    const id = await insertProduct(trx, {
      ...productColumns(fields, slug as string),
      status: 'draft',
      published_at: null,
      created_at: now,
      updated_at: now,
    })
    let position = 0
    for (const v of fields.variants.filter((variant) => !variant.remove)) {
      await addVariant(trx, id, v, position++, actor, now)
    }
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.created',
      subject: { type: 'product', id },
      summary: `Created the product ${fields.title} with ${position} ${position === 1 ? 'variant' : 'variants'}`,
    })
    return { kind: 'saved', id }
  })
}

/**
 * Saves the product form: the product's fields, a changed address (the old
 * one answers with a permanent redirect), and its variants — changed, added
 * or removed. Stock is not on the form for existing variants: it changes
 * through stock adjustments, so every change has its line in the ledger.
 */
export async function updateAdminProduct(
  db: Db,
  id: number,
  fields: ProductFields,
  actor: Actor,
): Promise<ProductSaveResult> {
  return inTransaction(db, async (trx) => {
    const current = await selectProductById(trx, id)
    if (!current) return { kind: 'missing' }
    const existing = await selectVariants(trx, id)
    const ownIds = existing.map((v) => v.id)
    const errors = await skuErrors(trx, fields.variants, ownIds)
    fields.variants.forEach((v, i) => {
      if (v.id !== null && !ownIds.includes(v.id))
        errors[`variants.${i}.sku`] = 'This variant is not one of this product’s'
    })
    const slug = fields.slug ? fields.slug : current.slug
    if (slug !== current.slug && (await slugTaken(trx, slug, id))) {
      errors.slug = 'Another product has this address; choose another'
    }
    if (Object.keys(errors).length > 0) return { kind: 'invalid', errors }

    const now = nowIso()
    await moveProductAddress(trx, id, current.slug, slug, now)
    const columns = productColumns(fields, slug)
    await updateProductRow(trx, id, { ...columns, updated_at: now })

    const variantChanges: string[] = []
    let position = 0
    for (const v of fields.variants) {
      const before = existing.find((e) => e.id === v.id)
      if (v.remove) {
        if (before) {
          await deleteVariantRow(trx, before.id)
          variantChanges.push(`removed ${before.sku}`)
        }
        continue
      }
      if (!before) {
        await addVariant(trx, id, v, position++, actor, now)
        variantChanges.push(`added ${v.sku}`)
        continue
      }
      const after = {
        sku: v.sku,
        options: JSON.stringify(v.options),
        price: v.price,
        compare_at_price: v.compareAtPrice,
        track_stock: v.trackStock ? 1 : 0,
        allow_backorder: v.allowBackorder ? 1 : 0,
        position: position++,
      }
      const changed = Object.entries(after).filter(([key, value]) => before[key as keyof typeof before] !== value)
      if (changed.length === 0) continue
      await updateVariantRow(trx, before.id, { ...after, updated_at: now })
      if (after.options !== before.options) {
        await replaceVariantOptionValues(trx, { id: before.id, productId: id }, v.options)
      }
      const shown = changed.filter(([key]) => key !== 'position').map(([key]) => key)
      if (shown.length > 0) variantChanges.push(`changed ${v.sku} (${shown.join(', ')})`)
    }

    const changes = differences(keyFields(current), keyFields({ ...current, ...columns }))
    if (current.description_md !== columns.description_md) changes.description = ['…', '(changed)']
    if (variantChanges.length > 0) changes.variants = ['', variantChanges.join('; ')]
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.updated',
      subject: { type: 'product', id },
      summary: `Saved the product ${fields.title}`,
      changes,
    })
    return { kind: 'saved', id }
  })
}

const STATUS_WORDS: Record<ProductStatus, { action: string; summary: string }> = {
  active: { action: 'product.published', summary: 'Published' },
  draft: { action: 'product.withdrawn', summary: 'Moved back to draft' },
  archived: { action: 'product.archived', summary: 'Archived' },
}

/**
 * Publishing, withdrawing to draft and archiving are their own actions:
 * active products are in the shop (and the sitemap), drafts answer 404 and
 * archived ones 410 Gone, so search engines drop them.
 */
export async function setProductStatus(
  db: Db,
  id: number,
  status: ProductStatus,
  actor: Actor,
): Promise<ProductSaveResult> {
  return inTransaction(db, async (trx) => {
    const current = await selectProductById(trx, id)
    if (!current) return { kind: 'missing' }
    if (current.status === status) return { kind: 'saved', id }
    const now = nowIso()
    await updateProductRow(trx, id, {
      status,
      ...(status === 'active' && !current.published_at ? { published_at: now } : {}),
      updated_at: now,
    })
    await logActivity(trx, {
      actorUserId: actor.id,
      action: STATUS_WORDS[status].action,
      subject: { type: 'product', id },
      summary: `${STATUS_WORDS[status].summary} the product ${current.title}`,
      changes: { status: [current.status, status] },
    })
    return { kind: 'saved', id }
  })
}

/** A SKU not yet used: SKU-COPY, SKU-COPY-2, … */
function copySku(sku: string, taken: Set<string>): string {
  const base = `${sku.slice(0, 58)}-COPY`
  let candidate = base
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`
  taken.add(candidate)
  return candidate
}

/**
 * A copy of a product to start a similar one from: a draft with the same
 * description, options, attributes, images and prices, new SKUs, no stock
 * (stock is goods on the shelf, which a copy does not have).
 */
export async function duplicateProduct(db: Db, id: number, actor: Actor): Promise<ProductSaveResult> {
  return inTransaction(db, async (trx) => {
    const source = await selectProductById(trx, id)
    if (!source) return { kind: 'missing' }
    const variants = await selectVariants(trx, id)
    const taken = new Set<string>()
    for (const v of variants)
      for (const sku of await selectSkusStartingWith(trx, `${v.sku.slice(0, 58)}-COPY`)) taken.add(sku)
    const now = nowIso()
    const title = `Copy of ${source.title}`.slice(0, 200)
    let slug = slugify(title)
    for (let n = 2; await slugTaken(trx, slug); n++) slug = `${slugify(title)}-${n}`
    const copyId = await insertProduct(trx, {
      slug,
      title,
      description_md: source.description_md,
      description_html: source.description_html,
      description_text: source.description_text,
      status: 'draft',
      seo_title: source.seo_title,
      seo_description: source.seo_description,
      category_id: source.category_id,
      tax_class: source.tax_class,
      attributes: source.attributes,
      option_names: source.option_names,
      featured: 0,
      published_at: null,
      created_at: now,
      updated_at: now,
    })
    for (const v of variants) {
      await insertVariant(
        trx,
        {
          product_id: copyId,
          sku: copySku(v.sku, taken),
          options: v.options,
          price: v.price,
          compare_at_price: v.compare_at_price,
          stock: 0,
          track_stock: v.track_stock,
          allow_backorder: v.allow_backorder,
          position: v.position,
          created_at: now,
          updated_at: now,
        },
        parseJson<Record<string, string>>(v.options, {}),
      )
    }
    for (const image of await selectProductImageRows(trx, id)) {
      await insertProductImage(trx, { product_id: copyId, ...image })
    }
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.duplicated',
      subject: { type: 'product', id: copyId },
      summary: `Copied the product ${source.title} to a new draft`,
    })
    return { kind: 'saved', id: copyId }
  })
}

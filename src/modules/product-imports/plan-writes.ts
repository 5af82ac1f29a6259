import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { updateProductRow } from '../catalogue/catalogue.repository.js'
import { renderDescription } from '../catalogue/markdown.js'
import { replaceVariantOptionValues, updateVariantRow } from '../products/products.repository.js'
import { recordStockMovement } from '../stock/stock.service.js'
import type { ImportPlan, ProductChange, VariantChange } from './plan-changes.js'
import { insertProducts, insertVariants } from './product-imports.repository.js'

/** Writing an import's plan: its new products and variants, its changes, and its stock changes to the ledger. */

export type Rendered = Map<string, { html: string; text: string }>

/** A description as HTML and text, rendered ahead when it could be (outside the transaction). */
export function rendered(descriptions: Rendered, markdown: string) {
  let done = descriptions.get(markdown)
  if (!done) {
    done = renderDescription(markdown)
    descriptions.set(markdown, done)
  }
  return done
}

/** Every write of the plan, in the caller's transaction: new rows many to a statement, changes one by one. */
export async function writePlan(
  trx: Db,
  plan: ImportPlan,
  context: { actorUserId: number; note: string; descriptions: Rendered },
): Promise<void> {
  const now = nowIso()
  const newProducts = await insertProducts(
    trx,
    plan.productsCreated.map(({ handle, values: v }) => {
      const description = rendered(context.descriptions, v.descriptionMd)
      return {
        slug: handle,
        title: v.title,
        status: v.status,
        category_id: v.categoryId,
        tax_class: v.taxClass,
        description_md: v.descriptionMd,
        description_html: description.html,
        description_text: description.text,
        seo_title: v.seoTitle,
        seo_description: v.seoDescription,
        attributes: v.attributes,
        option_names: JSON.stringify(v.optionNames),
        published_at: v.status === 'active' ? now : null,
        created_at: now,
        updated_at: now,
      }
    }),
  )
  for (const change of plan.productsUpdated) {
    await updateProductRow(trx, change.productId, productColumns(change, now, context.descriptions))
  }
  const movement = (variantId: number, change: number) =>
    recordStockMovement(trx, {
      variantId,
      change,
      reason: 'import',
      note: context.note,
      actorUserId: context.actorUserId,
    })
  const newVariants = await insertVariants(
    trx,
    plan.variantsCreated.map(({ values: v, ...variant }) => ({
      product_id: variant.productId ?? (newProducts.get(variant.handle) as number),
      sku: variant.sku,
      options: JSON.stringify(v.options),
      optionValues: v.options,
      price: v.price,
      compare_at_price: v.compareAtPrice,
      stock: v.stock,
      track_stock: v.trackStock ? 1 : 0,
      allow_backorder: v.allowBackorder ? 1 : 0,
      position: variant.position,
      created_at: now,
      updated_at: now,
    })),
  )
  for (const variant of plan.variantsCreated) {
    if (variant.values.stock !== 0) await movement(newVariants.get(variant.sku) as number, variant.values.stock)
  }
  for (const change of plan.variantsUpdated) {
    await updateVariantRow(trx, change.variantId, variantColumns(change, now))
    if (change.set.options) {
      await replaceVariantOptionValues(trx, { id: change.variantId, productId: change.productId }, change.set.options)
    }
    if (change.set.stock !== undefined) await movement(change.variantId, change.set.stock - (change.before.stock ?? 0))
  }
}

function productColumns(change: ProductChange, now: string, descriptions: Rendered) {
  const s = change.set
  const description = s.descriptionMd === undefined ? undefined : rendered(descriptions, s.descriptionMd)
  return {
    ...(s.title !== undefined ? { title: s.title } : {}),
    ...(s.status !== undefined ? { status: s.status } : {}),
    ...(change.publish ? { published_at: now } : {}),
    ...(s.categoryId !== undefined ? { category_id: s.categoryId } : {}),
    ...(s.taxClass !== undefined ? { tax_class: s.taxClass } : {}),
    ...(description
      ? { description_md: s.descriptionMd, description_html: description.html, description_text: description.text }
      : {}),
    ...(s.seoTitle !== undefined ? { seo_title: s.seoTitle } : {}),
    ...(s.seoDescription !== undefined ? { seo_description: s.seoDescription } : {}),
    ...(s.attributes !== undefined ? { attributes: s.attributes } : {}),
    ...(s.optionNames !== undefined ? { option_names: JSON.stringify(s.optionNames) } : {}),
    updated_at: now,
  }
}

function variantColumns(change: VariantChange, now: string) {
  const s = change.set
  return {
    ...(s.options !== undefined ? { options: JSON.stringify(s.options) } : {}),
    ...(s.price !== undefined ? { price: s.price } : {}),
    ...(s.compareAtPrice !== undefined ? { compare_at_price: s.compareAtPrice } : {}),
    ...(s.stock !== undefined ? { stock: s.stock } : {}),
    ...(s.trackStock !== undefined ? { track_stock: s.trackStock ? 1 : 0 } : {}),
    ...(s.allowBackorder !== undefined ? { allow_backorder: s.allowBackorder ? 1 : 0 } : {}),
    updated_at: now,
  }
}

import type { Db } from '../../db/connection.js'
import { missing } from '../../lib/outcomes.js'
import type { FieldErrors } from '../../lib/validation.js'
import { selectProductImages } from '../catalogue/catalogue.repository.js'
import { thumbnail } from './images.js'
import { ACCEPTED_TYPES, MAX_FILE_MEGABYTES, MAX_FILES_PER_UPLOAD } from './product-images.forms.js'
import { selectProductForImages, selectProductImage } from './product-images.repository.js'
import { MAX_IMAGES_PER_PRODUCT } from './product-images.service.js'

/** What the back office's picture pages show: a product's pictures with the upload form, and the removal question. */

/** Shown at this width in the back office; the 320-pixel file keeps it sharp on a high-density screen. */
const THUMB_WIDTH = 160

/** The upload form, or one picture's alt text, as sent, with what was wrong with it. */
export interface SentImagesForm {
  values: Record<string, string>
  errors: FieldErrors
  /** Each refused file of an upload, when there were several. */
  problems?: string[]
}

/** A product's pictures in the shop's order, and how many more one upload may add. */
export async function productImagesPage(db: Db, productId: number, sent?: SentImagesForm) {
  const product = await selectProductForImages(db, productId)
  if (!product) return missing
  const rows = await selectProductImages(db, productId)
  return {
    kind: 'page' as const,
    title: `Pictures of ${product.title}`,
    product,
    shopUrl: product.status === 'active' ? `/products/${product.slug}` : null,
    images: rows.map((row, index) => ({
      id: row.id,
      alt: row.alt,
      number: index + 1,
      thumb: thumbnail(row, THUMB_WIDTH),
    })),
    room: Math.min(MAX_FILES_PER_UPLOAD, MAX_IMAGES_PER_PRODUCT - rows.length),
    maxImages: MAX_IMAGES_PER_PRODUCT,
    accept: ACCEPTED_TYPES,
    maxFiles: MAX_FILES_PER_UPLOAD,
    maxMegabytes: MAX_FILE_MEGABYTES,
    values: sent?.values ?? {},
    errors: sent?.errors ?? {},
    problems: sent?.problems ?? [],
  }
}

/** The pictures page of picture `id`'s product, with the alt text sent for it and its mistake under that picture. */
export async function imageAltFormPage(db: Db, id: number, sent: SentImagesForm) {
  const image = await selectProductImage(db, id)
  if (!image) return missing
  const field = `alt-${id}`
  return productImagesPage(db, image.product_id, {
    values: { [field]: sent.values.alt ?? '' },
    errors: { [field]: sent.errors.alt ?? 'Enter the alt text' },
  })
}

/** The page that asks before a picture is taken off its product. */
export async function imageRemovalPage(db: Db, id: number) {
  const row = await selectProductImage(db, id)
  if (!row) return missing
  return {
    kind: 'page' as const,
    title: `Remove a picture of ${row.title}`,
    image: {
      id: row.id,
      alt: row.alt,
      number: row.position + 1,
      productId: row.product_id,
      title: row.title,
      thumb: thumbnail(row, THUMB_WIDTH),
    },
  }
}

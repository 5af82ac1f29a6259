import { type Db, inTransaction } from '../../db/connection.js'
import { type MediaStorage, MediaStorageError } from '../../lib/media-storage/index.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors, Validated } from '../../lib/validation.js'
import type { Actor } from '../activity/activity.service.js'
import { logActivity } from '../activity/activity.service.js'
import { selectProductImages } from '../catalogue/catalogue.repository.js'
import { ImageRejected, imageKey, type StoredImage, storeImage } from './images.js'
import { saveImages } from './images.repository.js'
import type { MoveFields } from './product-images.forms.js'
import {
  deleteProductImageRow,
  insertProductImages,
  selectProductForImages,
  selectProductImage,
  touchProduct,
  updateProductImageRow,
} from './product-images.repository.js'

/** Enough for every angle and detail; a longer gallery slows the product page for little gain. */
export const MAX_IMAGES_PER_PRODUCT = 20

export type ProductImageResult =
  | { kind: 'saved'; productId: number }
  | { kind: 'invalid'; errors: Record<string, string>; problems?: string[] }
  | { kind: 'missing' }

/** A move of a picture: a mistaken one is explained on the page of the picture's product. */
export type ImageMoveResult =
  | { kind: 'saved'; productId: number }
  | { kind: 'invalid'; errors: FieldErrors; productId: number }
  | { kind: 'missing' }

/** An upload the image store would not take (down, or refusing): nothing of it was added. */
export interface StoreFailed {
  kind: 'unavailable'
  /** For the person who uploaded. */
  message: string
  /** For the log. */
  error: MediaStorageError
}

/** A file as it was uploaded; `name` is the client's file name made fit to show. */
export interface UploadedFile {
  name: string
  content: Buffer
}

function tooMany(existing: number, adding: number): string | null {
  if (existing + adding <= MAX_IMAGES_PER_PRODUCT) return null
  if (existing >= MAX_IMAGES_PER_PRODUCT) {
    return `This product has ${MAX_IMAGES_PER_PRODUCT} pictures, the most it can have. Remove one to add another.`
  }
  return `A product can have at most ${MAX_IMAGES_PER_PRODUCT} pictures. This one has ${existing}, so upload at most ${MAX_IMAGES_PER_PRODUCT - existing} more.`
}

const invalid = (errors: Record<string, string>, problems?: string[]): ProductImageResult => ({
  kind: 'invalid',
  errors,
  ...(problems ? { problems } : {}),
})

/**
 * Adds uploaded pictures after the product's others, all with the same alt
 * text, or none of them: one file that is not a picture the shop takes (by
 * its content, whatever its name), or that the product already has, refuses
 * the whole upload, and so does an image store that cannot keep a file: no
 * row is written before every file is stored. Files stored for the accepted
 * ones before a refusal stay in the store; they are named by their content,
 * so they cost nothing but space, and storing them again writes nothing.
 */
export async function addProductImages(
  db: Db,
  media: MediaStorage,
  productId: number,
  upload: { alt: string; files: readonly UploadedFile[] },
  actor: Actor,
): Promise<ProductImageResult | StoreFailed> {
  const product = await selectProductForImages(db, productId)
  if (!product) return { kind: 'missing' }
  const existing = await selectProductImages(db, productId)
  const full = tooMany(existing.length, upload.files.length)
  if (full) return invalid({ images: full })

  const problems: string[] = []
  const attached = new Set(existing.map((image) => image.key))
  const inUpload = new Map<string, string>()
  const stored: StoredImage[] = []
  for (const file of upload.files) {
    const key = imageKey(file.content)
    const twin = inUpload.get(key)
    if (attached.has(key)) problems.push(`“${file.name}” is already one of this product’s pictures.`)
    else if (twin !== undefined) problems.push(`“${file.name}” is the same picture as “${twin}”.`)
    else {
      inUpload.set(key, file.name)
      try {
        stored.push(await storeImage(media, file.content))
      } catch (err) {
        if (err instanceof MediaStorageError) {
          const what = upload.files.length === 1 ? 'The picture' : 'The pictures'
          const message = `${what} could not be saved to the image store. Nothing was added; try again in a moment.`
          return { kind: 'unavailable', message, error: err }
        }
        if (!(err instanceof ImageRejected)) throw err
        problems.push(`“${file.name}”: ${err.message}`)
      }
    }
  }
  if (problems.length === 1) return invalid({ images: `${problems[0]} Nothing was uploaded.` })
  if (problems.length > 1) {
    return invalid({ images: `${problems.length} of the files cannot be used, so nothing was uploaded.` }, problems)
  }

  return inTransaction(db, async (trx): Promise<ProductImageResult> => {
    // Counted again inside the transaction: another upload to the same product may have landed meanwhile.
    const current = await selectProductImages(trx, productId)
    const full = tooMany(current.length, stored.length)
    if (full) return invalid({ images: full })
    const images = await saveImages(trx, stored)
    await insertProductImages(
      trx,
      images.map((image, i) => ({
        product_id: productId,
        image_id: image.id,
        position: current.length + i,
        alt: upload.alt,
      })),
    )
    await touchProduct(trx, productId, nowIso())
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.images_added',
      subject: { type: 'product', id: productId },
      summary: `Added ${images.length === 1 ? 'a picture' : `${images.length} pictures`} to ${product.title}`,
      changes: { pictures: [current.length, current.length + images.length] },
    })
    return { kind: 'saved', productId }
  })
}

/** What staff are told once pictures are added. */
export function imagesAddedNotice(count: number): string {
  return count === 1 ? 'The picture is added.' : `The ${count} pictures are added.`
}

/** Changes one picture's alt text. */
export async function changeImageAlt(db: Db, id: number, alt: string, actor: Actor): Promise<ProductImageResult> {
  return inTransaction(db, async (trx): Promise<ProductImageResult> => {
    const image = await selectProductImage(trx, id)
    if (!image) return { kind: 'missing' }
    if (image.alt === alt) return { kind: 'saved', productId: image.product_id }
    await updateProductImageRow(trx, id, { alt })
    await touchProduct(trx, image.product_id, nowIso())
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.image_updated',
      subject: { type: 'product', id: image.product_id },
      summary: `Changed the alt text of picture ${image.position + 1} of ${image.title}`,
      changes: { alt: [image.alt, alt] },
    })
    return { kind: 'saved', productId: image.product_id }
  })
}

/** Numbers a product's pictures 0, 1, 2… in the order given: the first is the cover, cards read position 0. */
async function renumber(trx: Db, order: readonly { id: number; position: number }[]): Promise<void> {
  for (const [position, image] of order.entries()) {
    if (image.position !== position) await updateProductImageRow(trx, image.id, { position })
  }
}

/**
 * Moves a picture one place earlier or later; moving the first up (or the
 * last down) changes nothing. The move is checked here, after the picture
 * is found: an unknown picture is missing whatever was asked.
 */
export async function moveProductImage(
  db: Db,
  id: number,
  move: Validated<MoveFields>,
  actor: Actor,
): Promise<ImageMoveResult> {
  return inTransaction(db, async (trx): Promise<ImageMoveResult> => {
    const image = await selectProductImage(trx, id)
    if (!image) return { kind: 'missing' }
    if (!move.ok) return { kind: 'invalid', errors: move.errors, productId: image.product_id }
    const { direction } = move.value
    const order = await selectProductImages(trx, image.product_id)
    const at = order.findIndex((row) => row.id === id)
    const to = direction === 'up' ? at - 1 : at + 1
    if (to < 0 || to >= order.length) return { kind: 'saved', productId: image.product_id }
    const [moved] = order.splice(at, 1)
    order.splice(to, 0, moved as (typeof order)[number])
    await renumber(trx, order)
    await touchProduct(trx, image.product_id, nowIso())
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.image_moved',
      subject: { type: 'product', id: image.product_id },
      summary: `Moved picture ${at + 1} of ${image.title} ${direction}, to place ${to + 1}`,
      changes: { position: [at + 1, to + 1] },
    })
    return { kind: 'saved', productId: image.product_id }
  })
}

/**
 * Takes a picture off its product. The stored image and its files stay:
 * other products may show the same picture, and its URLs are cached for ever.
 */
export async function removeProductImage(db: Db, id: number, actor: Actor): Promise<ProductImageResult> {
  return inTransaction(db, async (trx): Promise<ProductImageResult> => {
    const image = await selectProductImage(trx, id)
    if (!image) return { kind: 'missing' }
    await deleteProductImageRow(trx, id)
    await renumber(trx, await selectProductImages(trx, image.product_id))
    await touchProduct(trx, image.product_id, nowIso())
    await logActivity(trx, {
      actorUserId: actor.id,
      action: 'product.image_removed',
      subject: { type: 'product', id: image.product_id },
      summary: `Removed picture ${image.position + 1} (“${image.alt}”) from ${image.title}`,
    })
    return { kind: 'saved', productId: image.product_id }
  })
}

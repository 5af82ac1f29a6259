import type { Db } from '../../db/connection.js'
import { parseId } from '../../lib/ids.js'
import { withFields } from '../../lib/objects.js'
import { type Invalid, invalid, type Missing, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors } from '../../lib/validation.js'
import { type CardImage, parseJson } from '../catalogue/catalogue.service.js'
import { productPageForVariant } from '../catalogue/storefront.js'
import { getShopSettings } from '../settings/settings.service.js'
import { type AddToCartInput, type LineQuantityInput, MAX_QUANTITY } from './cart.forms.js'
import {
  countItems,
  deleteCart,
  deleteLine,
  insertCart,
  insertLine,
  moveLine,
  selectCart,
  selectCartIdOfUser,
  selectCartLines,
  selectLine,
  selectLineOfVariant,
  selectLinesOfCart,
  selectVariantForCart,
  touchCart,
  updateLineQuantity,
} from './cart.repository.js'
import { cartDeliveryNote } from './delivery-note.js'

/** Whose cart: a signed-in customer's (by account), or a guest's (by the id their session holds). */
export interface CartOwner {
  userId: number | null
  sessionCartId: number | null
}

/** The owner's cart id, or null when they have none yet. A guest's session never reaches a customer's cart. */
export async function findCartId(db: Db, owner: CartOwner): Promise<number | null> {
  if (owner.userId !== null) return (await selectCartIdOfUser(db, owner.userId)) ?? null
  if (owner.sessionCartId === null) return null
  const cart = await selectCart(db, owner.sessionCartId)
  return cart && cart.user_id === null ? cart.id : null
}

interface Stock {
  stock: number
  track_stock: number
  allow_backorder: number
}

/** How many can be bought at most: the stock when it is counted and backorders are off, else no limit but the cart's. */
export function availableQuantity(v: Stock): number {
  return v.track_stock && !v.allow_backorder ? Math.max(0, v.stock) : Number.POSITIVE_INFINITY
}

/** The message for wanting `wanted` of something of which only `available` are left (`inCart` already in the cart). */
export function shortageMessage(available: number, inCart = 0): string {
  if (available <= 0) return 'Sorry, this is sold out'
  if (inCart > 0) return `Only ${available} left, and ${inCart} ${inCart === 1 ? 'is' : 'are'} already in your cart`
  return `Only ${available} left`
}

export type AddResult = { kind: 'added'; cartId: number; title: string; quantity: number } | Invalid

/** Said at the top of the cart page when the item sent is not sold (any more), or the form named none. */
const NOT_FOR_SALE = 'Sorry, that item is not for sale any more. Have a look at what else we have'

/**
 * Adds a quantity of a variant to the owner's cart (making the cart on the
 * first add), on top of what the cart already holds of it. The quantity is
 * checked against stock; prices are never read from the form.
 */
export async function addToCart(db: Db, owner: CartOwner, input: AddToCartInput): Promise<AddResult> {
  const { variant_id: variantId, quantity } = input
  return db.transaction().execute(async (trx) => {
    const variant = await selectVariantForCart(trx, variantId)
    if (variant?.status !== 'active') return invalid({ _form: NOT_FOR_SALE })
    const now = nowIso()
    const cartId = (await findCartId(trx, owner)) ?? (await insertCart(trx, owner.userId, now))
    const line = await selectLineOfVariant(trx, cartId, variantId)
    const inCart = line?.quantity ?? 0
    const wanted = inCart + quantity
    const available = availableQuantity(variant)
    if (wanted > available) return invalid({ quantity: shortageMessage(available, inCart) })
    if (wanted > MAX_QUANTITY) {
      return invalid({
        quantity: `You can order at most ${MAX_QUANTITY} of one item, and ${inCart} ${inCart === 1 ? 'is' : 'are'} already in your cart`,
      })
    }
    if (line) await updateLineQuantity(trx, line.id, wanted, now)
    else await insertLine(trx, cartId, variantId, quantity, now)
    await touchCart(trx, cartId, now)
    const options = Object.values(parseJson<Record<string, string>>(variant.options, {}))
    const title = options.length ? `${variant.title} (${options.join(', ')})` : variant.title
    return { kind: 'added', cartId, title, quantity } as const
  })
}

export type LineResult = { kind: 'changed' | 'removed'; title: string } | Invalid | Missing

/** Sets a line's quantity (0 removes it). A line of another cart is as good as missing: nothing changes. */
export async function changeLineQuantity(
  db: Db,
  owner: CartOwner,
  lineId: number,
  input: LineQuantityInput,
): Promise<LineResult> {
  const cartId = await findCartId(db, owner)
  if (cartId === null) return missing
  const { quantity } = input
  return db.transaction().execute(async (trx) => {
    const line = await selectLine(trx, cartId, lineId)
    if (!line) return missing
    const variant = await selectVariantForCart(trx, line.variant_id)
    const title = variant?.title ?? 'The item'
    const now = nowIso()
    if (quantity === 0) {
      await deleteLine(trx, line.id)
      await touchCart(trx, cartId, now)
      return { kind: 'removed', title } as const
    }
    // Fewer is always allowed, even of something sold out since: the shopper is making room.
    const available = variant ? availableQuantity(variant) : 0
    if (quantity > line.quantity && quantity > available) return invalid({ quantity: shortageMessage(available) })
    await updateLineQuantity(trx, line.id, quantity, now)
    await touchCart(trx, cartId, now)
    return { kind: 'changed', title } as const
  })
}

export interface CartLineView {
  id: number
  variantId: number
  productId: number
  categoryId: number | null
  slug: string
  title: string
  options: Record<string, string>
  sku: string
  unitPrice: number
  compareAtPrice: number | null
  quantity: number
  lineTotal: number
  image: CardImage | null
  /** What stops this line being bought as it is, for the shopper to fix: sold out, fewer left, no longer sold. */
  problem: string | null
}

export interface CartView {
  lines: CartLineView[]
  /** Items, counting quantities. */
  count: number
  /** Sum of the line totals at today's catalogue prices. */
  subtotal: number
  /** True when every line can be bought as it is. */
  ready: boolean
}

const EMPTY: CartView = { lines: [], count: 0, subtotal: 0, ready: false }

/** The cart as the catalogue stands now: current prices, and what changed since things were added. */
export async function cartView(db: Db, cartId: number | null): Promise<CartView> {
  if (cartId === null) return EMPTY
  const rows = await selectCartLines(db, cartId)
  const lines = rows.map((row): CartLineView => {
    const available = availableQuantity(row)
    const problem =
      row.status !== 'active'
        ? 'This is no longer sold. Remove it to check out'
        : row.quantity > available
          ? `${shortageMessage(available)}. Lower the quantity to check out`
          : null
    return {
      id: row.id,
      variantId: row.variant_id,
      productId: row.product_id,
      categoryId: row.category_id,
      slug: row.slug,
      title: row.title,
      options: parseJson<Record<string, string>>(row.options, {}),
      sku: row.sku,
      unitPrice: row.price,
      compareAtPrice: row.compare_at_price,
      quantity: row.quantity,
      lineTotal: row.price * row.quantity,
      image:
        row.image_key === null
          ? null
          : {
              key: row.image_key,
              width: row.image_width ?? 0,
              height: row.image_height ?? 0,
              widths: row.image_widths ?? '[]',
              alt: row.image_alt ?? '',
            },
      problem,
    }
  })
  const count = lines.reduce((sum, line) => sum + line.quantity, 0)
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0)
  return { lines, count, subtotal, ready: lines.length > 0 && lines.every((line) => line.problem === null) }
}

/** A form that failed, for its page: the messages, and what was sent (shown again in the field at fault). */
type Sent = {
  errors: FieldErrors
  values?: Record<string, string>
}

/** The cart page: the cart, how far its goods are from free delivery (null for an empty cart), and a failed form's messages. */
export async function cartPage(db: Db, owner: CartOwner, sent: Sent = { errors: {} }) {
  const cart = await cartView(db, await findCartId(db, owner))
  const deliveryNote = cart.lines.length === 0 ? null : cartDeliveryNote(await getShopSettings(db), cart.subtotal)
  return withFields({ title: 'Your cart', noindex: true, cart, deliveryNote }, sent)
}

/**
 * What a failed add-to-cart form is answered with: the product page again,
 * with the message and the quantity as typed; or the cart page, when the
 * item is not for sale (or the form named none).
 */
export async function addToCartPage(
  db: Db,
  owner: CartOwner,
  sent: Required<Sent>,
  base: string,
): Promise<{ template: string; data: Record<string, unknown> }> {
  const variantId = parseId(sent.values.variant_id)
  const product = variantId > 0 && !sent.errors._form ? await productPageForVariant(db, variantId, base) : null
  if (product?.kind === 'page') {
    const values = { quantity: (sent.values.quantity ?? '').slice(0, 10) }
    return { template: product.template, data: withFields(product.data, { errors: sent.errors, values }) }
  }
  return {
    template: 'cart/show',
    data: await cartPage(db, owner, { errors: { _form: NOT_FOR_SALE }, values: sent.values }),
  }
}

/**
 * The cart page after a line's quantity form failed: the message under that
 * line (422), or at the top for a line not in this cart (404), as it is too
 * for a visitor with no cart at all, whatever they sent.
 */
export async function cartLinePage(db: Db, owner: CartOwner, lineId: number, sent?: Required<Sent>) {
  if (sent && (await findCartId(db, owner)) !== null) {
    const errors = { [`line-${lineId}`]: sent.errors.quantity ?? 'Check the quantity' }
    return { status: 422, data: await cartPage(db, owner, { errors, values: sent.values }) }
  }
  return {
    status: 404,
    data: await cartPage(db, owner, { errors: { _form: 'That item is not in your cart. Here is what is' } }),
  }
}

/** Items in the owner's cart, for the header: one indexed query, and only for visitors with a session. */
export async function cartCount(db: Db, owner: CartOwner): Promise<number> {
  const cartId = await findCartId(db, owner)
  return cartId === null ? 0 : countItems(db, cartId)
}

/**
 * At sign-in, what a guest put in their cart joins the customer's cart: the
 * same variant's quantities add up (never past stock or the per-line limit),
 * and the guest cart is gone.
 */
export async function mergeGuestCart(db: Db, guestCartId: number | null, userId: number): Promise<void> {
  if (guestCartId === null) return
  await db.transaction().execute(async (trx) => {
    const guest = await selectCart(trx, guestCartId)
    if (!guest || guest.user_id !== null) return
    const now = nowIso()
    const customerCartId = (await selectCartIdOfUser(trx, userId)) ?? (await insertCart(trx, userId, now))
    for (const line of await selectLinesOfCart(trx, guest.id)) {
      const existing = await selectLineOfVariant(trx, customerCartId, line.variant_id)
      if (!existing) {
        await moveLine(trx, line.id, customerCartId, now)
        continue
      }
      const variant = await selectVariantForCart(trx, line.variant_id)
      const limit = Math.min(MAX_QUANTITY, variant ? Math.max(availableQuantity(variant), existing.quantity) : 0)
      await updateLineQuantity(
        trx,
        existing.id,
        Math.max(existing.quantity, Math.min(limit, existing.quantity + line.quantity)),
        now,
      )
    }
    await deleteCart(trx, guest.id)
    await touchCart(trx, customerCartId, now)
  })
}

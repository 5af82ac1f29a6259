import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { type Invalid, invalid, type Missing, missing } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { FieldErrors } from '../../lib/validation.js'
import { newBearer } from '../api-access/bearer.js'
import { type CheckoutState, checkoutSummary, paymentChoices } from '../orders/checkout.service.js'
import { orderTotals } from '../orders/place-order.js'
import { PAYMENT_METHODS } from '../payments/payment-methods.js'
import type { Payments } from '../payments/payments.js'
import { getShopSettings } from '../settings/settings.service.js'
import { insertApiCart, selectApiCartByToken, updateApiCartCheckout } from './api-carts.repository.js'
import { quantityNumber } from './cart.forms.js'
import { insertCart, selectVariantIdBySku } from './cart.repository.js'
import { addToCart, type CartOwner, cartView, changeLineQuantity } from './cart.service.js'

/**
 * Carts for apps: a guest cart (the same rows and the same cart service as a
 * browser's) opened by a bearer token instead of a session. The checkout
 * chosen so far, which a browser keeps in its session, is kept with it in
 * `api_carts.checkout`.
 */
export interface ApiCart {
  cartId: number
  state: CheckoutState
}

const amount = () => z.number().int().describe('In minor units of the cart’s currency: 1999 is 19.99.')

const NO_SUCH_SKU = 'There is no item with this SKU'

/** POST /carts/{id}/items: a SKU and how many more of it, with the product page's quantity rule. */
export const addCartItemBody = z.strictObject({
  sku: z
    .string({ error: 'Enter the SKU of the item to add' })
    .trim()
    .min(1, 'Enter the SKU of the item to add')
    .max(64, NO_SUCH_SKU),
  quantity: quantityNumber(1).describe('How many to add to what the cart already holds of this SKU.'),
})
export type AddCartItemBody = z.output<typeof addCartItemBody>

/** PATCH /carts/{id}/items/{itemId}: the cart page's quantity rule; 0 removes the line. */
export const cartItemQuantityBody = z.strictObject({
  quantity: quantityNumber(0).describe('The line’s new quantity; 0 removes it.'),
})
export type CartItemQuantityBody = z.output<typeof cartItemQuantityBody>

/** The first checkout step's fields as the cart keeps them: what PUT /carts/{id}/address takes, given back. */
export const cartAddressJson = z.object({
  receive: z.string().describe('`delivery`, or `collect:<shipping option id>` to collect the order.'),
  email: z.string(),
  name: z.string(),
  phone: z.string(),
  country: z.string().describe('ISO 3166-1 alpha-2; for a collection, where it is collected.'),
  line1: z.string(),
  line2: z.string(),
  city: z.string(),
  postcode: z.string(),
})

export const shippingOptionJson = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['flat', 'free_over', 'pickup']).describe('`pickup`: the order is collected from the shop.'),
    price: amount().describe('What it costs for this cart, before a free-shipping code.'),
  })
  .meta({ id: 'ShippingOption' })

export const cartJson = z
  .object({
    id: z.number().int(),
    currency: z.string(),
    prices_include_tax: z.boolean(),
    lines: z.array(
      z.object({
        id: z.number().int().describe('The line’s id, for PATCH and DELETE /carts/{id}/items/{itemId}.'),
        sku: z.string(),
        slug: z.string().describe('The product’s slug, for GET /products/{slug}.'),
        title: z.string(),
        options: z.record(z.string(), z.string()).describe('Option name → value.'),
        quantity: z.number().int(),
        unit_price: amount().describe('Today’s catalogue price.'),
        line_total: amount().describe('quantity × unit_price, before any discount.'),
        problem: z
          .string()
          .nullable()
          .describe(
            'What stops this line being ordered as it is (sold out, fewer left, no longer sold); null when nothing.',
          ),
      }),
    ),
    item_count: z.number().int().describe('Items, counting quantities.'),
    subtotal: amount(),
    discount_total: amount().describe('Off the goods and off shipping together, as the order keeps it.'),
    shipping_total: amount().describe('After any free-shipping code; 0 until a shipping option is chosen.'),
    tax_total: amount().describe('Included in the prices when prices_include_tax, else added to them.'),
    total: amount(),
    address: cartAddressJson.nullable().describe('Null until PUT /carts/{id}/address.'),
    shipping: shippingOptionJson.nullable().describe('The chosen shipping option; null until one is chosen.'),
    discount_code: z
      .object({
        code: z.string(),
        applies: z.boolean(),
        problem: z.string().nullable().describe('Why the code does not apply to the cart now; null when it does.'),
      })
      .nullable(),
    payment_methods: z
      .array(z.enum(PAYMENT_METHODS))
      .describe('The ways to pay this cart as it stands (its delivery and total), for POST /carts/{id}/order.'),
    ready: z
      .boolean()
      .describe(
        'True when the order can be placed: lines that can all be bought, an address, a shipping option and a way to pay.',
      ),
  })
  .meta({ id: 'Cart' })

export type CartJson = z.output<typeof cartJson>

/** A new, empty cart and the token that opens it: the token is returned this once and only its hash is kept. */
export async function createApiCart(db: Db): Promise<{ cartId: number; token: string }> {
  const { secret, hash } = newBearer('cart')
  return db.transaction().execute(async (trx) => {
    const now = nowIso()
    const cartId = await insertCart(trx, null, now)
    await insertApiCart(trx, { cart_id: cartId, token_hash: hash, created_at: now })
    return { cartId, token: secret }
  })
}

/**
 * The cart a token opens, if it is the cart asked for. A token that opens
 * no cart is `unknown_token`; a token of another cart is `missing`, as a
 * cart that does not exist is, so a token never tells of other carts.
 */
export async function apiCartOf(
  db: Db,
  tokenHash: string,
  cartId: number,
): Promise<({ kind: 'cart' } & ApiCart) | { kind: 'unknown_token' } | Missing> {
  const row = await selectApiCartByToken(db, tokenHash)
  if (!row) return { kind: 'unknown_token' }
  if (row.cart_id !== cartId) return missing
  return { kind: 'cart', cartId: row.cart_id, state: parseState(row.checkout) }
}

function parseState(json: string): CheckoutState {
  try {
    const value: unknown = JSON.parse(json)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as CheckoutState) : {}
  } catch {
    return {}
  }
}

/** Keeps the checkout chosen on the cart, as a browser's session keeps it. */
export async function saveApiCartState(db: Db, cart: ApiCart, state: CheckoutState): Promise<ApiCart> {
  await updateApiCartCheckout(db, cart.cartId, JSON.stringify(state), nowIso())
  return { cartId: cart.cartId, state }
}

/** An app's cart to the cart service: a guest's, by its id. */
export function apiCartOwner(cart: ApiCart): CartOwner {
  return { userId: null, sessionCartId: cart.cartId }
}

export type CartAnswer = { kind: 'cart'; cart: CartJson }

/** Adds `quantity` of the item with `sku` (on top of what the cart holds of it), as the product page's form does. */
export async function addApiCartItem(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  input: AddCartItemBody,
): Promise<CartAnswer | Invalid> {
  const variantId = await selectVariantIdBySku(db, input.sku)
  if (variantId === undefined) return invalid({ sku: NO_SUCH_SKU })
  const added = await addToCart(db, apiCartOwner(cart), { variant_id: variantId, quantity: input.quantity })
  // The form's message for an item not for sale is about the form as a whole; here it is about the SKU sent.
  if (added.kind === 'invalid') return invalid(renamed(added.errors, { _form: 'sku' }))
  return cartAnswer(db, payments, cart)
}

/** Sets a line's quantity (0 removes it), as the cart page's form does; a line of another cart is missing. */
export async function changeApiCartItem(
  db: Db,
  payments: Payments,
  cart: ApiCart,
  lineId: number,
  input: CartItemQuantityBody,
): Promise<CartAnswer | Invalid | Missing> {
  const changed = await changeLineQuantity(db, apiCartOwner(cart), lineId, input)
  if (changed.kind === 'invalid' || changed.kind === 'missing') return changed
  return cartAnswer(db, payments, cart)
}

/** Removes a line. */
export async function removeApiCartItem(db: Db, cart: ApiCart, lineId: number): Promise<{ kind: 'removed' } | Missing> {
  const removed = await changeLineQuantity(db, apiCartOwner(cart), lineId, { quantity: 0 })
  return removed.kind === 'missing' ? missing : { kind: 'removed' }
}

export async function cartAnswer(db: Db, payments: Payments, cart: ApiCart): Promise<CartAnswer> {
  return { kind: 'cart', cart: await cartJsonOf(db, payments, cart) }
}

/**
 * The cart as the API shows it: its lines at today's prices, and every
 * figure worked out by the checkout's own pricing (checkoutSummary) for the
 * address, shipping and code chosen so far, as the HTML checkout shows them.
 */
export async function cartJsonOf(db: Db, payments: Payments, cart: ApiCart): Promise<CartJson> {
  const { state } = cart
  const [view, summary] = await Promise.all([cartView(db, cart.cartId), checkoutSummary(db, cart.cartId, state)])
  const shop = summary?.shop ?? (await getShopSettings(db))
  const totals = summary ? orderTotals(summary.priced) : null
  const discount = summary?.discount
  const method = summary?.method ?? null
  const paymentMethods = summary ? paymentChoices(summary, payments) : []
  return {
    id: cart.cartId,
    currency: shop.currency,
    prices_include_tax: shop.pricesIncludeTax,
    lines: view.lines.map((line) => ({
      id: line.id,
      sku: line.sku,
      slug: line.slug,
      title: line.title,
      options: line.options,
      quantity: line.quantity,
      unit_price: line.unitPrice,
      line_total: line.lineTotal,
      problem: line.problem,
    })),
    item_count: view.count,
    subtotal: totals?.subtotal ?? 0,
    discount_total: totals?.discount_total ?? 0,
    shipping_total: totals?.shipping_total ?? 0,
    tax_total: totals?.tax_total ?? 0,
    total: totals?.total ?? 0,
    address: state.address
      ? {
          receive: state.collect && state.method ? `collect:${state.method}` : 'delivery',
          email: state.address.email,
          name: state.address.name,
          phone: state.address.phone,
          country: state.address.country,
          line1: state.address.line1,
          line2: state.address.line2,
          city: state.address.city,
          postcode: state.address.postcode,
        }
      : null,
    shipping:
      method && summary
        ? { id: method.id, name: method.name, kind: method.kind, price: summary.priced.shipping?.price ?? 0 }
        : null,
    discount_code: state.discountCode
      ? {
          code: discount && 'applied' in discount ? discount.applied.discount.code : state.discountCode,
          applies: discount !== undefined && discount !== null && 'applied' in discount,
          problem: discount && 'refused' in discount ? discount.refused : null,
        }
      : null,
    payment_methods: paymentMethods,
    ready: view.ready && state.address !== undefined && method !== null && paymentMethods.length > 0,
  }
}

/** Field messages under the names this API gives the fields. */
export function renamed(errors: FieldErrors, names: Record<string, string>): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [names[field] ?? field, message]))
}

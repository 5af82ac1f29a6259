import type { Db } from '../../db/connection.js'
import { formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { categoryPath, loadCategoryTree, parseJson } from '../catalogue/catalogue.service.js'
import { type DiscountVerdict, evaluateDiscount } from '../discounts/discounts.service.js'
import type { PaymentMethod } from '../payments/payment-methods.js'
import type { Discount } from '../pricing/discounts.js'
import { type OrderLineInput, type PricedOrder, priceOrder } from '../pricing/pricing.js'
import { type ShippingMethod, type ShippingOption, shippingOptions, zoneFor } from '../pricing/shipping.js'
import { destinationTaxRates } from '../pricing/tax.js'
import { countryChoices } from '../settings/countries.js'
import { getShopSettings, type ShopSettings } from '../settings/settings.service.js'
import type { CheckoutAddress } from './checkout.forms.js'
import { selectCheckoutLines } from './orders.repository.js'

/** What a shopper has chosen so far, kept in their session between the steps. */
export interface CheckoutState {
  address?: CheckoutAddress
  method?: string
  payment?: PaymentMethod
  /** The review page's one-time token; the order placed with it is found again by it. */
  token?: string
  /** A discount code the shopper entered; checked again at every step and when the order is placed. */
  discountCode?: string
}

export type CheckoutLine = Awaited<ReturnType<typeof selectCheckoutLines>>[number]

/** The countries the shop delivers to (those its zones name), as codes and names, sorted by name. */
export function deliveryCountries(shop: ShopSettings): { code: string; name: string }[] {
  // A "rest of the world" zone delivers anywhere: every country is offered.
  if (shop.shippingZones.some((zone) => zone.countries === 'rest_of_world')) return countryChoices(shop.locale)
  const names = new Intl.DisplayNames([shop.locale], { type: 'region' })
  const codes = new Set(
    shop.shippingZones.flatMap((zone) => (zone.countries === 'rest_of_world' ? [] : zone.countries)),
  )
  return [...codes].map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name))
}

export function countryName(code: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code
}

/** The delivery method with that id in the zone of that country, if the shop offers it there. */
export function findShippingMethod(shop: ShopSettings, country: string, id: string | undefined): ShippingMethod | null {
  return zoneFor(shop.shippingZones, country)?.methods.find((method) => method.id === id) ?? null
}

/** The pricing rules' view of the lines: price, quantity, tax class, and the categories a code may be limited to. */
async function orderLineInputs(db: Db, lines: CheckoutLine[]): Promise<OrderLineInput[]> {
  const tree = await loadCategoryTree(db)
  return lines.map((line) => ({
    unitPrice: line.price,
    quantity: line.quantity,
    taxClass: line.tax_class,
    categoryIds: categoryPath(tree, line.category_id).map((c) => c.id),
  }))
}

export type DiscountOutcome = { applied: DiscountVerdict & { ok: true } } | { refused: string } | null

/**
 * Lines priced by the pricing rules with today's catalogue, the shop's tax
 * settings, the destination and the code if it applies now (checked with its
 * use counts from the database).
 */
export async function priceCheckout(
  db: Db,
  lines: CheckoutLine[],
  shop: ShopSettings,
  options: {
    country: string
    method: ShippingMethod | null
    discountCode?: string | undefined
    userId: number | null
    email?: string | undefined
  },
): Promise<{ priced: PricedOrder; discount: DiscountOutcome }> {
  const inputs = await orderLineInputs(db, lines)
  const price = (discount: Discount | null) =>
    priceOrder({
      lines: inputs,
      pricesIncludeTax: shop.pricesIncludeTax,
      taxRates: destinationTaxRates(shop.taxRates, options.country, shop.otherTaxRates),
      shipping: options.method,
      discount,
    })
  const undiscounted = price(null)
  if (!options.discountCode) return { priced: undiscounted, discount: null }
  const verdict = await evaluateDiscount(db, options.discountCode, {
    now: new Date(),
    subtotal: undiscounted.totals.subtotal,
    lines: inputs,
    userId: options.userId,
    email: options.email,
    format: (minor) => formatMoney(minor, shop.currency, shop.locale),
  })
  if (!verdict.ok) return { priced: undiscounted, discount: { refused: verdict.message } }
  return { priced: price(verdict.discount), discount: { applied: verdict } }
}

export interface CheckoutSummary {
  shop: ShopSettings
  /** With the option values as sold ("Large", "Blue") for the summary. */
  lines: (CheckoutLine & { optionValues: string[] })[]
  priced: PricedOrder
  discount: DiscountOutcome
  /** Delivery choices for the chosen country, priced for this cart; empty before an address is given. */
  options: ShippingOption[]
  method: ShippingMethod | null
}

/** Every figure of the cart at this step: shown beside each step, so totals are never a surprise. */
export async function checkoutSummary(
  db: Db,
  cartId: number | null,
  state: CheckoutState,
  userId: number | null = null,
): Promise<CheckoutSummary | null> {
  if (cartId === null) return null
  const lines = await selectCheckoutLines(db, cartId)
  if (lines.length === 0) return null
  const shop = await getShopSettings(db)
  const country = state.address?.country ?? shop.country
  const method = state.address ? findShippingMethod(shop, country, state.method) : null
  const { priced, discount } = await priceCheckout(db, lines, shop, {
    country,
    method,
    discountCode: state.discountCode,
    userId,
    email: state.address?.email,
  })
  const goods = priced.items.subtotal - priced.items.discount
  const options = state.address ? shippingOptions(shop.shippingZones, country, goods) : []
  const shown = lines.map((line) =>
    withFields(line, {
      optionValues: Object.values(parseJson<Record<string, string>>(line.options, {})),
    }),
  )
  return { shop, lines: shown, priced, discount, options, method }
}

import type { Db } from '../../db/connection.js'
import { formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { type FieldErrors, validate } from '../../lib/validation.js'
import { categoryPath, loadCategoryTree, parseJson } from '../catalogue/catalogue.service.js'
import { type DiscountVerdict, evaluateDiscount } from '../discounts/discounts.service.js'
import { PAYMENT_METHOD_DELIVERIES, PAYMENT_METHOD_LABELS, type PaymentMethod } from '../payments/payment-methods.js'
import type { Payments } from '../payments/payments.js'
import type { Discount } from '../pricing/discounts.js'
import { type OrderLineInput, type PricedOrder, priceOrder } from '../pricing/pricing.js'
import { type ShippingMethod, type ShippingOption, shippingOptions, zoneFor } from '../pricing/shipping.js'
import { destinationTaxRates } from '../pricing/tax.js'
import { countryChoices } from '../settings/countries.js'
import { getShopSettings, type ShopSettings } from '../settings/settings.service.js'
import {
  type CheckoutAddress,
  type CheckoutDetailsForm,
  checkoutAddressInput,
  checkoutContactInput,
  type DeliveryInput,
  type PaymentInput,
  receiveInput,
} from './checkout.forms.js'
import { selectCheckoutLines } from './orders.repository.js'

/** What a shopper has chosen so far, kept in their session between the steps. */
export interface CheckoutState {
  /** Who is buying, and where it goes; a shopper who collects gives no street address (its lines are empty). */
  address?: CheckoutAddress
  /** The shopper collects the order: only collection is offered, since there is no address to send it to. */
  collect?: boolean
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

/** A place to collect orders from (a method of kind pickup) and the country it is in, whose tax applies. */
export interface CollectionPoint {
  method: ShippingMethod
  country: string
}

/** Every collection method of every zone. Anybody may collect, wherever they live: no address is involved. */
export function collectionPoints(shop: ShopSettings): CollectionPoint[] {
  return shop.shippingZones.flatMap((zone) => {
    // The shop's own country when the zone holds it (a shop collects where it is), else the zone's first.
    const country =
      zone.countries === 'rest_of_world' || zone.countries.includes(shop.country)
        ? shop.country
        : (zone.countries[0] ?? shop.country)
    return zone.methods.filter((method) => method.kind === 'pickup').map((method) => ({ method, country }))
  })
}

/**
 * The delivery `id` for an order to `country`, and the country it is taxed
 * for: a collection point of any zone (taxed where it is collected), or a
 * method of the country's zone. Null when the shop offers no such thing.
 */
export function findDelivery(
  shop: ShopSettings,
  country: string,
  id: string | undefined,
): { method: ShippingMethod; country: string } | null {
  const point = collectionPoints(shop).find((p) => p.method.id === id)
  if (point) return point
  const method = findShippingMethod(shop, country, id)
  return method ? { method, country } : null
}

export function isCollection(method: ShippingMethod | null): boolean {
  return method?.kind === 'pickup'
}

/** The shop's address on one line, where orders are collected: null when the owner has not given it. */
export function collectionAddress(shop: ShopSettings): string | null {
  const parts = shop.address
    .split(/\r?\n/)
    .map((part) => part.trim().replace(/,$/, ''))
    .filter(Boolean)
  return parts.length ? parts.join(', ') : null
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
  /** Delivery choices for the chosen country (collection points only for a shopper who collects), priced for this cart; empty before the first step. */
  options: ShippingOption[]
  method: ShippingMethod | null
  /** The delivery chosen is a collection: no delivery address is shown or kept. */
  collecting: boolean
  /** Where collections are made (the shop's address), when the owner has given it. */
  collectFrom: string | null
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
  const delivery = state.address ? findDelivery(shop, state.address.country, state.method) : null
  // A shopper who collects gave no address: only a collection will do.
  const method = delivery && (!state.collect || isCollection(delivery.method)) ? delivery.method : null
  const country = (method && delivery?.country) ?? state.address?.country ?? shop.country
  const { priced, discount } = await priceCheckout(db, lines, shop, {
    country,
    method,
    discountCode: state.discountCode,
    userId,
    email: state.address?.email,
  })
  const goods = priced.items.subtotal - priced.items.discount
  const options = !state.address
    ? []
    : state.collect
      ? collectionPoints(shop).map((point) => ({ method: point.method, price: 0, needsAddress: false }))
      : shippingOptions(shop.shippingZones, country, goods)
  const shown = lines.map((line) =>
    withFields(line, {
      optionValues: Object.values(parseJson<Record<string, string>>(line.options, {})),
    }),
  )
  return {
    shop,
    lines: shown,
    priced,
    discount,
    options,
    method,
    collecting: isCollection(method),
    collectFrom: collectionAddress(shop),
  }
}

/** What a step's form comes to: the checkout as it is now and the step to go on to, or a message per field. */
export type StepOutcome = { ok: true; state: CheckoutState; next: string } | { ok: false; errors: FieldErrors }

/**
 * The first step: who is buying and how they get the order. Delivered, it
 * needs an address in a country the shop delivers to, and the delivery is
 * chosen next. Collected (`receive=collect:<method id>`), it needs no street
 * address: the collection is the delivery, and payment comes next.
 */
export function submitDetails(shop: ShopSettings, current: CheckoutState, body: CheckoutDetailsForm): StepOutcome {
  const receive = validate(receiveInput, body)
  const how = receive.ok ? receive.value.receive : { deliver: true as const }
  if ('collect' in how) {
    const point = collectionPoints(shop).find((p) => p.method.id === how.collect)
    const contact = validate(checkoutContactInput, body)
    if (!contact.ok || !point) {
      return {
        ok: false,
        errors: {
          ...(point ? {} : { receive: 'Choose how you would like to get your order' }),
          ...(contact.ok ? {} : contact.errors),
        },
      }
    }
    const address: CheckoutAddress = {
      ...contact.value,
      country: point.country,
      line1: '',
      line2: '',
      city: '',
      postcode: '',
    }
    return {
      ok: true,
      state: { ...current, address, collect: true, method: point.method.id, token: undefined },
      next: '/checkout/payment',
    }
  }
  const countries = deliveryCountries(shop).map((c) => c.code)
  const checked = validate(checkoutAddressInput(countries), body)
  if (!checked.ok) return { ok: false, errors: checked.errors }
  // A new country may not offer the delivery chosen before; asking for delivery drops a collection.
  const kept = findDelivery(shop, checked.value.country, current.method)
  const method = kept && !isCollection(kept.method) ? kept.method.id : undefined
  return {
    ok: true,
    state: { ...current, address: checked.value, collect: false, method, token: undefined },
    next: '/checkout/delivery',
  }
}

/** The second step: one of the ways the shop delivers to the address, or, for a shopper who collects, a collection point. */
export function chooseDelivery(shop: ShopSettings, current: CheckoutState, input: DeliveryInput): StepOutcome {
  const address = current.address
  const delivery = address ? findDelivery(shop, address.country, input.method) : null
  if (!address || !delivery || (current.collect && !isCollection(delivery.method))) {
    return {
      ok: false,
      errors: {
        method: current.collect
          ? 'Choose where to collect your order, or give your address to have it delivered'
          : 'Choose one of the ways we deliver to your address',
      },
    }
  }
  return {
    ok: true,
    // A collection is taxed where it is collected.
    state: {
      ...current,
      address: current.collect ? { ...address, country: delivery.country } : address,
      method: delivery.method.id,
      token: undefined,
    },
    next: '/checkout/payment',
  }
}

/** Whether a way of paying goes with a delivery: paying in person, only with a collection. */
export function paymentGoesWith(payment: PaymentMethod, method: ShippingMethod | null): boolean {
  const kinds = PAYMENT_METHOD_DELIVERIES[payment]
  return kinds === 'any' || (method !== null && kinds.includes(method.kind))
}

/** Why a way of paying is refused with a delivery, for the shopper. */
export function paymentRefusal(payment: PaymentMethod, method: ShippingMethod | null): string {
  const kinds = PAYMENT_METHOD_DELIVERIES[payment]
  const label = PAYMENT_METHOD_LABELS[payment]
  if (kinds !== 'any' && kinds.length === 1 && kinds[0] === 'pickup') {
    return `${label} is only for orders you collect${method ? `, not for ${method.name}` : ''}. Choose another way to pay, or choose to collect the order.`
  }
  return `${label} is not available${method ? ` with ${method.name}` : ''}. Choose another way to pay.`
}

/**
 * The ways to pay this order, in the settings' order: those this server
 * takes for its total (see Payments.offered) that go with its delivery.
 */
export function paymentChoices(summary: CheckoutSummary, payments: Pick<Payments, 'offered'>): PaymentMethod[] {
  return payments
    .offered(summary.shop, summary.priced.totals.total)
    .filter((payment) => paymentGoesWith(payment, summary.method))
}

/** The third step: one of this order's ways to pay. One that does not go with the delivery is refused, saying why. */
export function choosePayment(
  summary: CheckoutSummary,
  payments: Pick<Payments, 'offered'>,
  current: CheckoutState,
  input: PaymentInput,
): StepOutcome {
  if (!paymentGoesWith(input.payment, summary.method)) {
    return { ok: false, errors: { payment: paymentRefusal(input.payment, summary.method) } }
  }
  if (!paymentChoices(summary, payments).includes(input.payment)) {
    return { ok: false, errors: { payment: 'Choose one of the ways to pay' } }
  }
  return { ok: true, state: { ...current, payment: input.payment, token: undefined }, next: '/checkout/review' }
}

/**
 * What the review page's button says, and the line above it on what happens
 * next: the button names what pressing it does for this way of paying.
 */
export function placeOrderWording(summary: CheckoutSummary, payment: PaymentMethod): { button: string; next: string } {
  const total = formatMoney(summary.priced.totals.total, summary.shop.currency, summary.shop.locale)
  const where = summary.collectFrom ? ` from ${summary.collectFrom}` : ''
  switch (payment) {
    case 'stripe':
      return {
        button: `Pay ${total} by card`,
        next: 'Next you pay on Stripe’s secure page. We email your confirmation as soon as the payment goes through.',
      }
    case 'bank_transfer':
      return {
        button: 'Place order',
        next: `You will get our bank details on the next page and by email, to pay ${total} with your order number as the reference. ${summary.collecting ? 'You can collect your order' : 'We send your order'} once the money arrives.`,
      }
    case 'pay_on_pickup':
      return {
        button: 'Place order — pay on collection',
        next: `You pay ${total} when you collect your order${where}.`,
      }
  }
}

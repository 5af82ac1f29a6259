import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import type { OrdersTable } from '../../db/schema.js'
import { formatMoney } from '../../lib/money.js'
import { withFields } from '../../lib/objects.js'
import { nowIso } from '../../lib/time.js'
import { parseJson } from '../catalogue/catalogue.service.js'
import { countUse } from '../discounts/discounts.repository.js'
import { customerKey } from '../discounts/discounts.service.js'
import { enqueueEmail } from '../mail/mail.service.js'
import { isHostedMethod, PAYMENT_METHOD_LABELS, type PaymentMethod } from '../payments/payment-methods.js'
import type { Payments } from '../payments/payments.js'
import type { PricedOrder } from '../pricing/pricing.js'
import { getShopSettings, type ShopSettings } from '../settings/settings.service.js'
import { recordStockMovement } from '../stock/stock.service.js'
import {
  collectionAddress,
  findDelivery,
  isCollection,
  paymentGoesWith,
  paymentRefusal,
  priceCheckout,
} from './checkout.service.js'
import {
  emptyCart,
  insertOrder,
  insertOrderEvent,
  insertOrderLines,
  nextOrderNumber,
  saveAddress,
  selectCheckoutLines,
  selectOrderByCheckoutToken,
  selectOrderLines,
  selectStock,
  takeStock,
} from './orders.repository.js'

/** What the shopper entered at checkout, already validated by the checkout forms. */
export interface CheckoutDetails {
  email: string
  name: string
  phone: string
  address: { line1: string; line2: string; city: string; postcode: string; country: string }
  shippingMethodId: string
  paymentMethod: PaymentMethod
}

export type Order = Awaited<ReturnType<typeof insertOrder>>

export type PlaceOrderResult =
  | { kind: 'placed' | 'already_placed'; order: Order }
  | { kind: 'sold_out'; items: { title: string; available: number }[] }
  | { kind: 'refused'; message: string }

class Refused extends Error {}

class SoldOut extends Error {
  constructor(readonly items: { title: string; available: number }[]) {
    super('sold out')
  }
}

/**
 * Places the order for a cart, all in one database transaction: prices are
 * worked out again from the catalogue and the settings (never taken from a
 * form), stock is taken line by line with a guarded update that cannot go
 * below zero, the order is written with a copy of every price, the cart is
 * emptied and the confirmation email goes into the outbox (for an order paid
 * on a provider's page, once it is paid). If any line is short, nothing at
 * all changes. No payment provider is called here: the shopper is sent to
 * one afterwards. The checkout token makes it idempotent: the
 * same token again answers with the order it already made.
 */
export async function placeOrder(
  db: Db,
  input: {
    cartId: number | null
    userId: number | null
    checkoutToken: string
    details: CheckoutDetails
    /** The code the shopper entered, checked again here: it must still apply. */
    discountCode?: string | null
    baseUrl: string
    /** The ways of paying this server takes. */
    payments: Pick<Payments, 'offered'>
  },
): Promise<PlaceOrderResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const existing = await selectOrderByCheckoutToken(trx, input.checkoutToken)
      if (existing) return { kind: 'already_placed', order: existing } as const
      if (input.cartId === null) return refused('Your cart is empty.')
      const lines = await selectCheckoutLines(trx, input.cartId)
      if (lines.length === 0) return refused('Your cart is empty.')
      const gone = lines.find((line) => line.status !== 'active')
      if (gone) return refused(`${gone.title} is no longer sold. Remove it from your cart to check out.`)

      const shop = await getShopSettings(trx)
      const { details } = input
      const delivery = findDelivery(shop, details.address.country, details.shippingMethodId)
      if (!delivery) return refused('Choose a delivery option for your address again: that one is not available.')
      const { method } = delivery
      if (!paymentGoesWith(details.paymentMethod, method)) return refused(paymentRefusal(details.paymentMethod, method))
      // A collection goes to no address (none is kept or shown), and is taxed where it is collected.
      const address = isCollection(method)
        ? { line1: '', line2: '', city: '', postcode: '', country: delivery.country }
        : details.address
      const { priced, discount } = await priceCheckout(trx, lines, shop, {
        country: address.country,
        method,
        discountCode: input.discountCode ?? undefined,
        userId: input.userId,
        email: details.email,
      })
      // A code that stopped applying since the review page (ended, used up) stops the order: the total would differ.
      if (discount && 'refused' in discount)
        return refused(`${discount.refused.replace(/\.$/, '')}. Remove the code or try another one.`)
      if (!input.payments.offered(shop, priced.totals.total).includes(details.paymentMethod)) {
        return refused('Choose how to pay again: that way of paying is not available for this order.')
      }

      const short: { title: string; available: number }[] = []
      for (const line of lines) {
        if (!(await takeStock(trx, line.variant_id, line.quantity))) {
          short.push({ title: line.title, available: Math.max(0, await selectStock(trx, line.variant_id)) })
        }
      }
      // Throwing rolls back the stock already taken for the other lines.
      if (short.length) throw new SoldOut(short)

      const now = nowIso()
      const order = await insertOrder(trx, {
        number: await nextOrderNumber(trx),
        access_token: randomBytes(24).toString('base64url'),
        checkout_token: input.checkoutToken,
        user_id: input.userId,
        email: details.email,
        name: details.name,
        phone: details.phone,
        address_line1: address.line1,
        address_line2: address.line2,
        city: address.city,
        postcode: address.postcode,
        country: address.country,
        shipping_method: method.name,
        payment_method: details.paymentMethod,
        currency: shop.currency,
        prices_include_tax: shop.pricesIncludeTax ? 1 : 0,
        ...orderTotals(priced),
        discount_code: discount?.applied.discount.code ?? null,
        placed_at: now,
        updated_at: now,
      })
      await insertOrderLines(
        trx,
        lines.map((line, i) => {
          const amounts = priced.lines[i] as PricedOrder['lines'][number]
          return {
            order_id: order.id,
            variant_id: line.variant_id,
            product_id: line.product_id,
            sku: line.sku,
            title: line.title,
            options: line.options,
            unit_price: line.price,
            quantity: line.quantity,
            tax_rate: amounts.taxRate,
            subtotal: amounts.subtotal,
            discount: amounts.discount,
            tax: amounts.tax,
            total: amounts.gross,
          }
        }),
      )
      for (const line of lines) {
        await recordStockMovement(trx, {
          variantId: line.variant_id,
          change: -line.quantity,
          reason: 'sale',
          orderId: order.id,
        })
      }
      if (discount) {
        const key = discount.applied.customerKey ?? customerKey(null, details.email) ?? ''
        if (!(await countUse(trx, discount.applied.id, order.id, key, now)))
          throw new Refused('That discount code has just been used up.')
      }
      if (input.userId !== null && address.line1) {
        // The next checkout offers it again.
        await saveAddress(trx, {
          user_id: input.userId,
          name: details.name,
          phone: details.phone,
          line1: address.line1,
          line2: address.line2,
          city: address.city,
          postcode: address.postcode,
          country: address.country,
          last_used_at: now,
        })
      }
      await insertOrderEvent(trx, {
        order_id: order.id,
        kind: 'placed',
        message: `Placed by ${order.email}${input.userId === null ? ' (guest)' : ''}, to pay by ${PAYMENT_METHOD_LABELS[details.paymentMethod].toLowerCase()}.`,
        at: now,
      })
      await emptyCart(trx, input.cartId)
      if (!isHostedMethod(order.payment_method)) {
        await enqueueEmail(trx, {
          template: 'order-confirmation',
          to: order.email,
          subject: `Your order #${order.number} at ${shop.shopName}`,
          data: await confirmationData(trx, order, shop),
          shop,
          baseUrl: input.baseUrl,
        })
      }
      return { kind: 'placed', order } as const
    })
  } catch (err) {
    if (err instanceof SoldOut) return { kind: 'sold_out', items: err.items }
    if (err instanceof Refused) return refused(err.message)
    throw err
  }
}

function refused(message: string) {
  return { kind: 'refused', message } as const
}

/** The totals an order keeps, from its pricing; an app's cart shows the same figures before it is placed. */
export function orderTotals(
  priced: PricedOrder,
): Pick<OrdersTable, 'subtotal' | 'discount_total' | 'shipping_total' | 'tax_total' | 'total'> {
  return {
    subtotal: priced.totals.subtotal,
    discount_total: priced.totals.discount,
    shipping_total: priced.shipping ? priced.shipping.price - priced.shipping.discount : 0,
    tax_total: priced.totals.tax,
    total: priced.totals.total,
  }
}

/** An order as the customer sees it (confirmation email, order page). */
export async function orderSummary(db: Db, order: Order, shop: ShopSettings) {
  const lines = await selectOrderLines(db, order.id)
  const money = (minor: number) => formatMoney(minor, order.currency, shop.locale)
  return {
    order,
    lines: lines.map((line) =>
      withFields(line, {
        options: Object.entries(parseJson<Record<string, string>>(line.options, {})),
      }),
    ),
    money,
    bankTransfer: order.payment_method === 'bank_transfer' && order.payment_status === 'pending' && !order.cancelled_at,
    bankDetails: shop.bankDetails,
    // An order with no street address is collected: it shows where from (the shop's address, if given) instead.
    collection: order.address_line1 === '',
    collectFrom: order.address_line1 === '' ? collectionAddress(shop) : null,
  }
}

async function confirmationData(db: Db, order: Order, shop: ShopSettings) {
  return withFields(await orderSummary(db, order, shop), { orderPath: `/orders/${order.access_token}` })
}

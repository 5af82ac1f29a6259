import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../db/connection.js'
import type { DiscountCodesTable, OrdersTable, RefundsTable } from '../db/schema.js'
import { nowIso } from '../lib/time.js'
import { addToCart } from '../modules/cart/cart.service.js'
import { insertDiscountCode } from '../modules/discounts/discounts.repository.js'
import type { CheckoutDetails, Order } from '../modules/orders/place-order.js'
import { placeOrder } from '../modules/orders/place-order.js'
import { createPayments, type Payments } from '../modules/payments/payments.js'

/** A server without Stripe keys: bank transfer and pay on collection. */
export const OFFLINE_PAYMENTS = createPayments(null)

/** A UK guest paying by bank transfer, sent by the demo shop's Tracked 48. */
export const TEST_CHECKOUT: CheckoutDetails = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  phone: '',
  address: { line1: '1 Marsh Lane', line2: '', city: 'Bristol', postcode: 'BS1 4DJ', country: 'GB' },
  shippingMethodId: 'uk-standard',
  paymentMethod: 'bank_transfer',
}

/** A new cart of `quantity` of one variant, checked out at once; throws unless an order was placed. */
export async function placeTestOrder(
  db: Db,
  variantId: number,
  options: {
    token: string
    quantity?: number
    userId?: number | null
    details?: Partial<CheckoutDetails>
    payments?: Payments
  },
) {
  const userId = options.userId ?? null
  const added = await addToCart(
    db,
    { userId, sessionCartId: null },
    { variant_id: variantId, quantity: options.quantity ?? 1 },
  )
  if (added.kind !== 'added') throw new Error(`could not add to the cart: ${JSON.stringify(added)}`)
  const result = await placeOrder(db, {
    cartId: added.cartId,
    userId,
    checkoutToken: options.token,
    details: {
      ...TEST_CHECKOUT,
      // Paying on collection goes with collection only: such an order is collected, unless the test says otherwise.
      ...(options.details?.paymentMethod === 'pay_on_pickup' ? { shippingMethodId: 'pickup' } : {}),
      ...options.details,
    },
    baseUrl: 'http://localhost',
    payments: options.payments ?? OFFLINE_PAYMENTS,
  })
  if (result.kind !== 'placed') throw new Error(`no order: ${JSON.stringify(result)}`)
  return result.order
}

/**
 * Orders put straight into a state — placed at another time, paid, sent, paid by card — without the
 * events, emails, invoice numbers or stock moves the order services would make: for what the jobs and
 * pages do next. The database's triggers still keep the dashboard's counts.
 */
export async function changeOrders(
  db: Db,
  changes: Pick<Updateable<OrdersTable>, 'placed_at' | 'payment_status' | 'fulfilment_status' | 'payment_method'>,
  ids: number | number[],
): Promise<void> {
  await db
    .updateTable('orders')
    .set(changes)
    .where('id', 'in', Array.isArray(ids) ? ids : [ids])
    .execute()
}

/** A copy of a placed order (without its lines) under the number and tokens `overrides` give: many orders quickly. */
export async function copyOrder(
  db: Db,
  order: Order,
  overrides: Partial<Insertable<OrdersTable>> &
    Pick<Insertable<OrdersTable>, 'number' | 'access_token' | 'checkout_token'>,
): Promise<void> {
  await db
    .insertInto('orders')
    .values({ ...order, id: undefined, ...overrides })
    .execute()
}

/**
 * Makes the daily sales summary again from the orders not cancelled, as its migration first filled it:
 * the summary follows orders as they are placed, so orders moved to another day need it.
 */
export async function rebuildSalesSummary(db: Db): Promise<void> {
  await db.deleteFrom('sales_daily').execute()
  await db
    .insertInto('sales_daily')
    .columns(['day', 'orders', 'sales'])
    .expression((eb) =>
      eb
        .selectFrom('orders')
        .select([
          (e) => e.fn<string>('substr', ['placed_at', e.lit(1), e.lit(10)]).as('day'),
          (e) => e.fn.countAll<number>().as('orders'),
          (e) => e.fn.sum<number>('total').as('sales'),
        ])
        .where('cancelled_at', 'is', null)
        .groupBy('day'),
    )
    .execute()
}

/**
 * A refund as the payment provider's answer left it (no provider is asked), made now by the staff
 * member `actor_user_id`: pending while the provider is being asked, then succeeded or failed.
 */
export async function createRefund(
  db: Db,
  overrides: Partial<Insertable<RefundsTable>> & Pick<Insertable<RefundsTable>, 'order_id' | 'amount'>,
) {
  return db
    .insertInto('refunds')
    .values({ reason: 'test', status: 'pending', created_at: nowIso(), actor_user_id: null, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Refunds changed as the provider's answer or time would leave them: the one with `id`, or all. */
export async function changeRefunds(
  db: Db,
  changes: Pick<Updateable<RefundsTable>, 'status' | 'created_at'>,
  id?: number,
): Promise<void> {
  let query = db.updateTable('refunds').set(changes)
  if (id !== undefined) query = query.where('id', '=', id)
  await query.execute()
}

/** A 10 % discount code on the whole order, with no limits unless `overrides` set them. */
export function createDiscountCode(db: Db, overrides: Partial<Insertable<DiscountCodesTable>> & { code: string }) {
  const now = nowIso()
  return insertDiscountCode(db, {
    kind: 'percentage',
    value: 1000,
    category_id: null,
    created_at: now,
    updated_at: now,
    ...overrides,
  })
}

/** A discount code's uses counted straight in the database, as orders placed elsewhere at the same time would. */
export async function setDiscountUses(db: Db, code: string, uses: number): Promise<void> {
  await db.updateTable('discount_codes').set({ uses }).where('code', '=', code).execute()
}

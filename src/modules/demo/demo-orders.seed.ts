import type { Db } from '../../db/connection.js'
import { atTime } from '../../lib/time.js'
import { findUserByEmail } from '../accounts/users.repository.js'
import { addToCart } from '../cart/cart.service.js'
import { markSent } from '../mail/mail.repository.js'
import { fulfilOrder, linesToSend } from '../orders/fulfilment.js'
import { markPaidByStaff } from '../orders/order-admin.service.js'
import { type CheckoutDetails, placeOrder } from '../orders/place-order.js'
import { createPayments } from '../payments/payments.js'
import type { Seeder } from './seeder.js'

const HOUR = 3_600_000

interface Customer {
  email: string
  name: string
  address: CheckoutDetails['address']
}

/** The demo customer (demoAccounts in demo.seed.ts), at the address the accounts seeder saved for them. */
const casey: Customer = {
  email: 'casey@example.com',
  name: 'Casey Customer',
  address: { line1: '22 Cotham Hill', line2: '', city: 'Bristol', postcode: 'BS6 6LA', country: 'GB' },
}
const guest = (name: string, email: string, line1: string, city: string, postcode: string): Customer => ({
  name,
  email,
  address: { line1, line2: '', city, postcode, country: 'GB' },
})

interface DemoOrder {
  customer: Customer
  /** When it was placed, in hours before the seeding. */
  hoursAgo: number
  /** Which of the chosen goods (see the seeder), and how many of each. */
  items: [pick: number, quantity: number][]
  shipping: 'uk-standard' | 'uk-express' | 'pickup'
  payment: 'bank_transfer' | 'pay_on_pickup'
  /** Hours after it was placed that staff marked it paid, and sent (or handed over) it; absent: not yet. */
  paidAfter?: number
  sentAfter?: number
  carrier?: string
}

/**
 * The demo shop's orders, oldest first, over the last two weeks: most paid
 * and sent, one paid and waiting to be sent, two waiting for a bank transfer
 * (newer than the reminder's three days). Three are the demo customer's.
 */
export const demoOrders: readonly DemoOrder[] = [
  {
    customer: guest('Priya Shah', 'priya.shah@example.com', '8 Elm Grove', 'Bath', 'BA1 5QJ'),
    hoursAgo: 13 * 24 + 3,
    items: [
      [0, 1],
      [3, 2],
    ],
    shipping: 'uk-standard',
    payment: 'bank_transfer',
    paidAfter: 5,
    sentAfter: 23,
    carrier: 'Royal Mail',
  },
  {
    customer: casey,
    hoursAgo: 11 * 24 + 6,
    items: [[1, 1]],
    shipping: 'uk-standard',
    payment: 'bank_transfer',
    paidAfter: 20,
    sentAfter: 26,
    carrier: 'Royal Mail',
  },
  {
    customer: guest('Tom Becker', 'tom.becker@example.com', '41 Gloucester Road', 'Bristol', 'BS7 8AD'),
    hoursAgo: 9 * 24 + 2,
    items: [
      [2, 1],
      [5, 1],
    ],
    shipping: 'pickup',
    payment: 'pay_on_pickup',
    paidAfter: 27,
    sentAfter: 27,
    carrier: '',
  },
  {
    customer: guest('Mei Lin', 'mei.lin@example.com', '3 Harbour Walk', 'Cardiff', 'CF10 4PA'),
    hoursAgo: 7 * 24 + 4,
    items: [
      [4, 1],
      [6, 1],
      [7, 1],
    ],
    shipping: 'uk-express',
    payment: 'bank_transfer',
    paidAfter: 2,
    sentAfter: 6,
    carrier: 'DPD',
  },
  {
    customer: casey,
    hoursAgo: 5 * 24 + 1,
    items: [
      [8, 2],
      [0, 1],
    ],
    shipping: 'uk-standard',
    payment: 'bank_transfer',
    paidAfter: 4,
    sentAfter: 22,
    carrier: 'Royal Mail',
  },
  {
    customer: guest('Jonas Berg', 'jonas.berg@example.com', '17 Mill Lane', 'York', 'YO1 7HH'),
    hoursAgo: 3 * 24 + 5,
    items: [[9, 1]],
    shipping: 'uk-standard',
    payment: 'bank_transfer',
    paidAfter: 30,
  },
  {
    customer: guest('Rosa Diaz', 'rosa.diaz@example.com', '5 Canal Street', 'Manchester', 'M1 3HE'),
    hoursAgo: 26,
    items: [
      [10, 1],
      [3, 1],
    ],
    shipping: 'uk-standard',
    payment: 'bank_transfer',
  },
  {
    customer: casey,
    hoursAgo: 4,
    items: [[11, 1]],
    shipping: 'uk-express',
    payment: 'bank_transfer',
  },
]

/** Leaf categories the demo orders buy from: plenty of stock, and no product among them runs low. */
const CATEGORIES = ['table-linen', 'aprons', 'houseplants', 'succulents', 'candles', 'stationery']

/**
 * A handful of orders for the demo shop (`demoOrders`), so the dashboard,
 * the order list and the demo customer's account have something in them. Each
 * goes through the real services, at the time it is shown to have happened
 * (atTime): put in a cart, placed, marked paid and sent by the owner. So
 * stock, invoice numbers, the daily sales, timelines and activity all follow,
 * exactly as for an order from the shop. The emails they make are kept in the
 * mailbox as sent (`mailbox` transport): nobody is written to. Only a shop
 * with no orders at all gets them, with the demo accounts and a catalogue of
 * the demo's goods; the bench's orders (seeded before) take their place.
 */
export const demoOrdersSeeder: Seeder = {
  name: 'demo orders',
  options: {
    'demo-orders': {
      description: 'how many of the demo shop’s orders of the last two weeks to place (0 for none)',
      default: demoOrders.length,
      max: demoOrders.length,
    },
  },
  async run(db, { sizes, progress, baseUrl }) {
    const wanted = demoOrders.slice(0, sizes['demo-orders'] ?? demoOrders.length)
    if (wanted.length === 0) return
    const anyOrder = await db.selectFrom('orders').select('id').limit(1).executeTakeFirst()
    if (anyOrder) return
    const owner = await db.selectFrom('users').select('id').where('role', '=', 'owner').orderBy('id').executeTakeFirst()
    const customer = await findUserByEmail(db, casey.email)
    const goods = await pickGoods(db)
    if (!owner || !customer || goods.length === 0) return

    const bar = progress('demo orders', wanted.length)
    const firstEmail = await lastEmailId(db)
    const payments = createPayments(null)
    const now = Date.now()
    for (const [i, demo] of wanted.entries()) {
      const placedAt = now - demo.hoursAgo * HOUR
      const userId = demo.customer === casey ? customer.id : null
      const number = await atTime(new Date(placedAt), async () => {
        let cartId: number | null = null
        for (const [pick, quantity] of demo.items) {
          const variant = goods[pick % goods.length] as number
          const added = await addToCart(db, { userId, sessionCartId: cartId }, { variant_id: variant, quantity })
          if (added.kind !== 'added') throw new Error(`the demo order ${i + 1} could not take variant ${variant}`)
          cartId = added.cartId
        }
        const placed = await placeOrder(db, {
          cartId,
          userId,
          checkoutToken: `demo-order-${i + 1}`,
          details: {
            email: demo.customer.email,
            name: demo.customer.name,
            phone: '',
            address: demo.customer.address,
            shippingMethodId: demo.shipping,
            paymentMethod: demo.payment,
          },
          baseUrl,
          payments,
        })
        if (placed.kind !== 'placed')
          throw new Error(`the demo order ${i + 1} was not placed: ${JSON.stringify(placed)}`)
        return placed.order.number
      })
      const later = (hours: number | undefined) =>
        hours === undefined || placedAt + hours * HOUR > now ? null : new Date(placedAt + hours * HOUR)
      const paidAt = later(demo.paidAfter)
      if (paidAt) await atTime(paidAt, () => markPaidByStaff(db, number, owner, baseUrl))
      const sentAt = later(demo.sentAfter)
      if (sentAt) {
        await atTime(sentAt, async () => {
          const order = await db
            .selectFrom('orders')
            .select('id')
            .where('number', '=', number)
            .executeTakeFirstOrThrow()
          const lines = await linesToSend(db, order.id)
          await fulfilOrder(
            db,
            number,
            owner,
            {
              carrier: demo.carrier ?? '',
              tracking: trackingNumber(demo.carrier, number),
              quantities: new Map(lines.map((line) => [line.id, line.left])),
            },
            baseUrl,
          )
        })
      }
      bar.tick()
    }
    await keepEmailsInMailbox(db, firstEmail)
    bar.done()
  },
}

/** A made-up tracking number in the carrier's own form. */
function trackingNumber(carrier: string | undefined, orderNumber: number): string {
  if (carrier === 'Royal Mail') return `RM${String(orderNumber).padStart(9, '0')}GB`
  if (carrier === 'DPD') return `1550${String(orderNumber).padStart(10, '0')}`
  return ''
}

/** The variants the demo orders buy, in a fixed order: `demoOrders` items pick from them by index. */
async function pickGoods(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .select('v.id')
    .where('p.status', '=', 'active')
    .where('c.slug', 'in', CATEGORIES)
    .where('v.stock', '>=', 12)
    .orderBy('v.id')
    .execute()
  // Every third, so the orders spread over several products rather than the sizes of one.
  return rows.filter((_, i) => i % 3 === 0).map((row) => row.id)
}

async function lastEmailId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('outbox_emails')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return Number(row?.id ?? 0)
}

/** The demo's emails are readable in the back office's mailbox, marked sent when they were written; none is delivered. */
async function keepEmailsInMailbox(db: Db, after: number): Promise<void> {
  const emails = await db
    .selectFrom('outbox_emails')
    .select(['id', 'created_at'])
    .where('id', '>', after)
    .where('status', '=', 'pending')
    .execute()
  for (const email of emails)
    await markSent(db, email.id, { sentAt: email.created_at, transport: 'mailbox', messageId: null })
}

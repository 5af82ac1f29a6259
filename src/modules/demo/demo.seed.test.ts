import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../db/connection.js'
import { LocalMediaStorage } from '../../lib/media-storage/local.js'
import { type OpenTestDb, openTestDb } from '../../testing/database.js'
import { dashboard } from '../dashboard/dashboard.service.js'
import { countOrdersOfUser } from '../orders/orders.repository.js'
import { getShopSettings, updateShopSettings } from '../settings/settings.service.js'
import { demoAccounts, seedDemo, seedDemoIfEmpty } from './demo.seed.js'
import { demoOrders } from './demo-orders.seed.js'
import { parseSeedArgs, UsageError } from './seed-args.js'

const media = new LocalMediaStorage(join(tmpdir(), 'shopfront-seed-test-media'))

describe('demo data', () => {
  let handle: OpenTestDb
  let db: Db
  beforeEach(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
  })
  afterEach(() => handle.close())

  it('loads the demo shop, and running it twice leaves the same shop', async () => {
    await seedDemo(db, { media, sizes: { products: 0 } })
    const once = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()
    await seedDemo(db, { media, sizes: { products: 0 } })
    const twice = await db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()
    expect(twice).toEqual(once)
    expect((await getShopSettings(db)).shopName).toBe('Juniper & Pine')
  })

  it('loads only into a shop nobody has configured', async () => {
    await updateShopSettings(db, { shopName: 'A real shop' })
    expect(await seedDemoIfEmpty(db, { media })).toBe(false)
    expect((await getShopSettings(db)).tagline).toBe('')
  })
})

describe('parseSeedArgs', () => {
  it('gives every size its default and reads --products and --orders', () => {
    expect(parseSeedArgs([])).toEqual({ products: 60, orders: 0, 'demo-orders': 8 })
    expect(parseSeedArgs(['--products', '100000', '--orders', '1000000'])).toEqual({
      products: 100000,
      orders: 1000000,
      'demo-orders': 8,
    })
    expect(parseSeedArgs(['--demo-orders', '0'])['demo-orders']).toBe(0)
    expect(() => parseSeedArgs(['--demo-orders', '9'])).toThrow(/--demo-orders takes a whole number from 0 to 8/)
    expect(() => parseSeedArgs(['--products', 'many'])).toThrow(/--products takes a whole number from 0 to 1,000,000/)
  })
  it('names an option no seeder declares, and the options there are', () => {
    expect(() => parseSeedArgs(['--nonsense', '5'])).toThrow(UsageError)
    expect(() => parseSeedArgs(['--nonsense', '5'])).toThrow(/Unknown option '--nonsense'/)
  })
})

describe('the default demo shop', () => {
  const DAY = 86_400_000
  const scrypt = { ln: 10, r: 8, p: 1 }
  let handle: OpenTestDb
  let db: Db
  let seededAt: number
  beforeAll(async () => {
    handle = await openTestDb({ migrated: true })
    db = handle.db
    seededAt = Date.now()
    // The media folder is kept between runs: pictures already stored are not drawn again.
    await seedDemo(db, { media, scrypt })
  }, 120_000)
  afterAll(() => handle.close())

  const orders = () => db.selectFrom('orders').selectAll().orderBy('number').execute()

  it('has a handful of orders over the last two weeks, oldest first, some of them the demo customer’s', async () => {
    const rows = await orders()
    expect(rows.map((o) => o.number)).toEqual(demoOrders.map((_, i) => 1001 + i))
    const ages = rows.map((o) => (seededAt - Date.parse(o.placed_at)) / DAY)
    expect(ages[0]).toBeGreaterThan(12)
    expect(ages[0]).toBeLessThan(15)
    expect(ages.at(-1)).toBeLessThan(1)
    expect(ages).toEqual([...ages].sort((a, b) => b - a))
    const casey = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', demoAccounts[1]?.email ?? '')
      .executeTakeFirstOrThrow()
    expect(await countOrdersOfUser(db, casey.id)).toBe(3)
    expect(rows.filter((o) => o.user_id === casey.id).every((o) => o.email === 'casey@example.com')).toBe(true)
  })

  it('has orders paid and sent, paid and waiting to be sent, and waiting for a bank transfer', async () => {
    const states = (await orders()).map((o) => `${o.payment_status}/${o.fulfilment_status}`)
    expect(states).toEqual([
      'paid/fulfilled',
      'paid/fulfilled',
      'paid/fulfilled',
      'paid/fulfilled',
      'paid/fulfilled',
      'paid/unfulfilled',
      'pending/unfulfilled',
      'pending/unfulfilled',
    ])
    // Paid orders have their invoices, numbered without gaps; parcels have tracking numbers.
    expect((await orders()).map((o) => o.invoice_number)).toEqual([1, 2, 3, 4, 5, 6, null, null])
    const parcels = await db.selectFrom('fulfilments').select(['carrier', 'tracking_number', 'created_at']).execute()
    expect(parcels).toHaveLength(5)
    expect(parcels.filter((p) => p.carrier === 'Royal Mail').map((p) => p.tracking_number)).toEqual([
      'RM000001001GB',
      'RM000001002GB',
      'RM000001005GB',
    ])
  })

  it('placed them through the order services: stock taken, figures that add up, timelines on their own days', async () => {
    for (const order of await orders()) {
      const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).execute()
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.reduce((sum, l) => sum + l.total, 0)).toBe(order.subtotal)
      expect(order.subtotal + order.shipping_total - order.discount_total).toBe(order.total)
      const sold = await db
        .selectFrom('stock_movements')
        .select(['variant_id', 'change'])
        .where('order_id', '=', order.id)
        .where('reason', '=', 'sale')
        .execute()
      expect(sold.map((m) => [m.variant_id, -m.change])).toEqual(lines.map((l) => [l.variant_id, l.quantity]))
      const events = await db
        .selectFrom('order_events')
        .select(['kind', 'at'])
        .where('order_id', '=', order.id)
        .execute()
      expect(events[0]).toEqual({ kind: 'placed', at: order.placed_at })
      if (order.paid_at) expect(events.map((e) => e.kind)).toContain('paid')
      for (const e of events) expect(e.at >= order.placed_at).toBe(true)
    }
  })

  it('shows the orders on the dashboard: bars on several days of the last two weeks, and the counts', async () => {
    const board = await dashboard(db)
    const days = board.series.filter((d) => d.sales > 0)
    expect(days.length).toBeGreaterThanOrEqual(6)
    expect(board.month.orders).toBe(8)
    expect(board.month.sales).toBe((await orders()).reduce((sum, o) => sum + o.total, 0))
    expect(board.awaitingPayment).toBe(2)
    expect(board.toSend).toBe(1)
  })

  it('keeps the orders’ emails in the mailbox, sent to nobody, so no mail server ever gets them', async () => {
    const emails = await db.selectFrom('outbox_emails').select(['subject', 'status', 'transport']).execute()
    expect(emails.length).toBeGreaterThanOrEqual(8)
    expect(emails.every((e) => e.status === 'sent' && e.transport === 'mailbox')).toBe(true)
    expect(emails.map((e) => e.subject)).toContain('Your order #1001 from Juniper & Pine is on its way')
  })

  it('gives each category’s products several different pictures', async () => {
    const rows = await db
      .selectFrom('product_images as pi')
      .innerJoin('products as p', 'p.id', 'pi.product_id')
      .innerJoin('categories as c', 'c.id', 'p.category_id')
      .select(['c.slug', 'pi.image_id', 'p.id'])
      .where('pi.position', '=', 0)
      .orderBy('p.id')
      .execute()
    expect(new Set(rows.map((r) => r.image_id)).size).toBe(24)
    const bySlug = new Map<string, number[]>()
    for (const r of rows) bySlug.set(r.slug, [...(bySlug.get(r.slug) ?? []), r.image_id])
    for (const [slug, images] of bySlug) {
      expect(new Set(images).size, slug).toBeGreaterThanOrEqual(3)
      // Next to each other in the category's listing, two products never share a picture.
      for (let i = 1; i < images.length; i++) expect(images[i], slug).not.toBe(images[i - 1])
    }
    // Table linen and aprons share the linen pictures, and start on different ones.
    expect(bySlug.get('aprons')?.[0]).not.toBe(bySlug.get('table-linen')?.[0])
  })

  it('spells each option value one way across the shop, so a filter never lists a size twice', async () => {
    const rows = await db.selectFrom('variant_option_values').select(['name', 'value']).distinct().execute()
    const sizes = rows.filter((r) => r.name === 'Size').map((r) => r.value)
    expect(new Set(sizes)).toEqual(new Set(['Small', 'Medium', 'Large']))
  })

  it('places no orders again when seeded again, nor when asked for none', async () => {
    await seedDemo(db, { media, scrypt })
    expect(await orders()).toHaveLength(8)
    const fresh = await openTestDb({ migrated: true })
    const empty = fresh.db
    await seedDemo(empty, { media, scrypt, sizes: { 'demo-orders': 0 } })
    expect(await empty.selectFrom('products').select('id').execute()).toHaveLength(60)
    expect(await empty.selectFrom('orders').select('id').execute()).toEqual([])
    await fresh.close()
  }, 60_000)
})

import Fastify from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/schema.js'
import { insertProductImage } from '../../modules/catalogue/catalogue.repository.js'
import { storeImage } from '../../modules/images/images.js'
import { saveImage } from '../../modules/images/images.repository.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestVariant } from '../../testing/catalogue.js'
import { createUser, signInAs } from '../../testing/factories.js'
import { csrfTokenIn, postForm } from '../../testing/http.js'
import { postMultipart, type UploadFile } from '../../testing/multipart.js'
import { placeTestOrder } from '../../testing/orders.js'
import { ADMIN_PERMISSIONS, type AdminRoute } from './_permissions.js'
import adminArea from './index.js'

type Visitor = 'anonymous' | Role

/** A body each back-office form accepts, so an allowed request does its work. */
const BODIES: Partial<Record<AdminRoute, Record<string, string> | ((visitor: Visitor) => Record<string, string>)>> = {
  'POST /admin/orders/:number/cancellation': { reason: 'Testing who may cancel' },
  'POST /admin/orders/:number/notes': { note: 'Testing who may write notes' },
  // The first line of the first order of a fresh shop.
  'POST /admin/orders/:number/fulfilments': { 'line-1': '1', carrier: 'Royal Mail', tracking: 'AB123' },
  'POST /admin/orders/:number/refunds': { amount: '1.00', reason: 'Testing who may refund' },
  'POST /admin/variants/:id/stock-adjustments': { change: '1', note: 'Testing who may adjust' },
  'POST /admin/categories': (visitor) => ({ name: `Matrix ${visitor}` }),
  'POST /admin/staff/invitations': (visitor) => ({ email: `matrix-${visitor}@example.com`, role: 'staff' }),
  'POST /admin/staff/:id/role': { role: 'owner' },
  'POST /admin/settings': {
    shopName: 'Matrix',
    currency: 'GBP',
    locale: 'en-GB',
    country: 'GB',
    pricesIncludeTax: 'yes',
    paymentMethods: 'pay_on_pickup',
    bankTransferReminderDays: '3',
    bankTransferCancelDays: '7',
  },
  // Products
  'POST /admin/products': (visitor) => ({ title: `Matrix ${visitor}`, v0_sku: `MATRIX-${visitor}`, v0_price: '5.00' }),
  'POST /admin/products/:id': {
    title: 'Heather Mug',
    v0_id: '1',
    v0_sku: 'MUG',
    v0_price: '18.00',
    v0_track: 'yes',
  },
  // Product images
  // :id of /admin/product-images is a picture of the mug each visitor has to themselves (see beforeAll).
  'POST /admin/products/:id/images': (visitor) => ({ alt: `Uploaded by ${visitor}` }),
  'POST /admin/product-images/:id': (visitor) => ({ alt: `Described by ${visitor}` }),
  'POST /admin/product-images/:id/position': { direction: 'down' },
  'POST /admin/product-images/:id/removal': {},
  // Product import
  'POST /admin/products/imports': {},
  'POST /admin/products/imports/:id/application': {},
  // Settings: tax rates, shipping zones
  // :country is GB, :zone the demo shop's uk zone and :method its next-day method (settled by request() below).
  'POST /admin/settings/tax': { country: 'FR', standard: '20', reduced: '5.5', zero: '0' },
  'POST /admin/settings/tax/:country': { standard: '20', reduced: '5', zero: '0' },
  'POST /admin/settings/shipping': { name: 'North America', countries: 'US, CA' },
  'POST /admin/settings/shipping/:zone': { name: 'United Kingdom', countries: 'GB' },
  'POST /admin/settings/shipping/:zone/methods': { name: 'Courier', kind: 'flat', price: '12.00' },
  'POST /admin/settings/shipping/:zone/methods/:method': { name: 'Next working day', kind: 'flat', price: '9.95' },
  'POST /admin/categories/:id': (visitor) => ({ name: `Renamed by ${visitor}`, slug: `renamed-${visitor}` }),
  'POST /admin/categories/:id/position': { direction: 'down' },
  // Codes are unique: each visitor makes their own.
  'POST /admin/discounts': (visitor) => ({ code: `MATRIX-${visitor}`, kind: 'percentage', value: '10' }),
  'POST /admin/discounts/:id': (visitor) => ({ code: `MATRIX-1-${visitor}`, kind: 'percentage', value: '15' }),
}

/** A small PNG per visitor for the picture upload, and the product picture each visitor's walk acts on. */
const PICTURES: Partial<Record<Visitor, Buffer>> = {}
const PRODUCT_IMAGE: Partial<Record<Visitor, number>> = {}

/** The files of the routes that take an upload (a multipart form: the fields of BODIES, then these). */
const UPLOADS: Partial<Record<AdminRoute, (visitor: Visitor) => UploadFile[]>> = {
  // A picture of each visitor's own (made in beforeAll): the same picture twice on one product is refused.
  'POST /admin/products/:id/images': (visitor) => [
    { field: 'images', filename: `${visitor}.png`, type: 'image/png', content: PICTURES[visitor] ?? Buffer.alloc(0) },
  ],
  'POST /admin/products/imports': (visitor) => [
    {
      field: 'file',
      filename: 'products.csv',
      type: 'text/csv',
      content: Buffer.from(
        `handle,sku,title,price\r\nmatrix-${visitor},MATRIX-IMPORT-${visitor},Matrix ${visitor},5.00\r\n`,
      ),
    },
  ],
}

describe('the back office permission table, route by route', () => {
  let shop: TestShop
  const cookies: Partial<Record<Visitor, string>> = {}
  let number = 0
  /** A customer account the routes act on (not the one signed in as a customer). */
  let target = 0
  /** A member of staff the staff routes act on (not one signed in). */
  let colleague = 0

  beforeAll(async () => {
    shop = await buildTestApp()
    const variant = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1800, stock: 50 })).id
    number = (await placeTestOrder(shop.db, variant, { token: 'matrix' })).number
    target = (await createUser(shop.db, { role: 'customer' })).id
    colleague = (await createUser(shop.db, { role: 'staff' })).id
    // Pictures of the mug: staff and owners each remove their own in the walk.
    for (const [i, visitor] of (['anonymous', 'customer', 'staff', 'owner'] as const).entries()) {
      const png = (red: number) =>
        sharp({ create: { width: 8, height: 8, channels: 3, background: { r: red, g: 0, b: 0 } } })
          .png()
          .toBuffer()
      PICTURES[visitor] = await png(10 + i)
      const image = await saveImage(shop.db, await storeImage(shop.media, await png(100 + i)))
      await insertProductImage(shop.db, { product_id: 1, image_id: image.id, position: i, alt: `For ${visitor}` })
      PRODUCT_IMAGE[visitor] = (
        await shop.db
          .selectFrom('product_images')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id
    }
    for (const role of ['customer', 'staff', 'owner'] as const) {
      cookies[role] = await signInAs(shop.app, await createUser(shop.db, { role }))
    }
  })
  afterAll(() => shop.close())

  async function request(visitor: Visitor, route: AdminRoute) {
    const [method, pattern] = route.split(' ') as [string, string]
    // :id is a customer, a colleague, a discount code (the demo shop's first) or an email (the order's confirmation).
    const id = pattern.startsWith('/admin/customers')
      ? target
      : pattern.startsWith('/admin/staff')
        ? colleague
        : pattern.startsWith('/admin/product-images')
          ? PRODUCT_IMAGE[visitor]
          : 1
    const url = pattern
      .replace(':number', String(number))
      .replace(':id', String(id))
      .replace(':country', 'GB')
      .replace(':zone', 'uk')
      .replace(':method', 'uk-express')
    const cookie = cookies[visitor as Role]
    if (method === 'GET') return shop.app.inject({ url, headers: cookie ? { cookie } : {} })
    // A real form token, so a refusal is the permission check's and not the forgery check's.
    const token = cookie
      ? csrfTokenIn((await shop.app.inject({ url: '/contact', headers: { cookie } })).body)
      : undefined
    const body = BODIES[route]
    const fields = typeof body === 'function' ? body(visitor) : body
    const files = UPLOADS[route]?.(visitor)
    if (files)
      return postMultipart(
        shop.app,
        url,
        { ...(token ? { _csrf: token } : {}), ...fields },
        files,
        cookie ? { cookie } : {},
      )
    return postForm(shop.app, url, { ...fields, ...(token ? { _csrf: token } : {}) }, cookie ? { cookie } : {})
  }

  const routes = Object.entries(ADMIN_PERMISSIONS) as [AdminRoute, 'staff' | 'owner'][]

  it.each(routes)('%s (%s and up): anonymous visitors are sent to sign in', async (route) => {
    const response = await request('anonymous', route)
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toMatch(/^\/login\?next=/)
  })

  it.each(routes)('%s (%s and up): customers are refused', async (route) => {
    const response = await request('customer', route)
    expect(response.statusCode).toBe(403)
    expect(response.body).toContain('You do not have access to this page.')
  })

  it.each(routes)('%s (%s and up): staff are let in only where staff may go', async (route, level) => {
    const response = await request('staff', route)
    if (level === 'owner') expect(response.statusCode).toBe(403)
    else expect([200, 303]).toContain(response.statusCode)
    if (response.statusCode === 303) expect(response.headers.location).not.toMatch(/^\/login/)
  })

  it.each(routes)('%s (%s and up): owners are let in everywhere', async (route) => {
    const response = await request('owner', route)
    expect([200, 303]).toContain(response.statusCode)
    if (response.statusCode === 303) expect(response.headers.location).not.toMatch(/^\/login/)
  })

  it('recorded only the changes of those allowed to make them', async () => {
    const actors = await shop.db
      .selectFrom('activity_log')
      .innerJoin('users', 'users.id', 'activity_log.actor_user_id')
      .select('users.role')
      .execute()
    expect(actors.length).toBeGreaterThan(0)
    expect(actors.every((a) => a.role === 'staff' || a.role === 'owner')).toBe(true)
  })
})

describe('a back-office route missing from the permission table', () => {
  it('stops the app from starting', async () => {
    const app = Fastify({ logger: false })
    app.decorate('config', { isProduction: true } as never)
    const boot = async () => {
      await app.register(async (scope) => {
        await adminArea(scope)
        scope.get('/admin/unlisted', async () => 'open to anyone?')
      })
      await app.ready()
    }
    await expect(boot()).rejects.toThrow(/GET \/admin\/unlisted is not in the back office's permission table/)
    await app.close()
  })
})

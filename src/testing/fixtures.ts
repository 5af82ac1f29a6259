import { test as base } from 'vitest'
import type { Config } from '../config.js'
import { type StaffSession, staffSession } from './admin.js'
import { buildTestApp, type TestShop } from './app.js'
import { createTestVariant } from './catalogue.js'

/** How the `shop` fixture is built: buildTestApp's config overrides and seed options. */
export interface ShopOptions {
  config?: Partial<Config>
  seed?: boolean
  products?: number
}

/** Who the `staff` or `owner` fixture is, beyond their role. */
export interface SignInOptions {
  name?: string
}

export interface ShopFixtures {
  shopOptions: ShopOptions
  /** The real app on a fresh database of the test's own, the demo shop loaded; closed when the test ends. */
  shop: TestShop
  staffOptions: SignInOptions
  /** A staff member signed in to the back office (two-factor done), with GET and form POST helpers carrying their session. */
  staff: StaffSession
  ownerOptions: SignInOptions
  /** An owner signed in the same way: settings, staff, tax and shipping are theirs. */
  owner: StaffSession
  variantOptions: Partial<Parameters<typeof createTestVariant>[1]>
  /** The id of the one variant of a product for sale: a Heather Mug (MUG) at £18.00, 10 in stock, unless variantOptions say otherwise. */
  variant: number
}

/**
 * A test with a shop of its own and, only when it names them, a staff member or an owner signed in
 * and a product for sale: `it('…', async ({ shop, staff, variant }) => { … })`. A file changes how they are made by extending it,
 * `shopTest.extend('staffOptions', { name: 'Sam Staff' })` (or shopOptions, ownerOptions, variantOptions) —
 * never with a top-level test.override, which would change this shared module for the files the
 * same worker runs after it (vitest.config.ts: isolate is off).
 */
export const shopTest = base.extend<ShopFixtures>({
  shopOptions: {},
  shop: async ({ shopOptions }, use) => {
    const shop = await buildTestApp(shopOptions.config, shopOptions)
    await use(shop)
    await shop.close()
  },
  staffOptions: {},
  staff: async ({ shop, staffOptions }, use) => {
    await use(await staffSession(shop, { ...staffOptions, role: 'staff' }))
  },
  ownerOptions: {},
  owner: async ({ shop, ownerOptions }, use) => {
    await use(await staffSession(shop, { ...ownerOptions, role: 'owner' }))
  },
  variantOptions: {},
  variant: async ({ shop, variantOptions }, use) => {
    const made = await createTestVariant(shop.db, {
      title: 'Heather Mug',
      sku: 'MUG',
      price: 1800,
      stock: 10,
      ...variantOptions,
    })
    await use(made.id)
  },
})

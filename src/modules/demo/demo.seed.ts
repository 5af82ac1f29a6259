import type { Db } from '../../db/connection.js'
import type { Role } from '../../db/schema.js'
import type { MediaStorage } from '../../lib/media-storage/index.js'
import { silentProgress } from '../../lib/progress.js'
import { nowIso } from '../../lib/time.js'
import { hashPassword, RECOMMENDED_SCRYPT } from '../accounts/password.js'
import { findUserByEmail, insertUser } from '../accounts/users.repository.js'
import { loadCategoryTree } from '../catalogue/catalogue.service.js'
import { insertDiscountCode, selectDiscountByCode } from '../discounts/discounts.repository.js'
import { saveAddress } from '../orders/orders.repository.js'
import { isUnconfigured, type ShopSettings, setMissingShopSettings } from '../settings/settings.service.js'
import { catalogueSeeder } from './catalogue.seed.js'
import { demoOrdersSeeder } from './demo-orders.seed.js'
import { ordersSeeder } from './orders.seed.js'
import type { SeedContext, Seeder } from './seeder.js'

export const demoSettings: Partial<ShopSettings> = {
  shopName: 'Juniper & Pine',
  tagline: 'Goods for a slower home',
  metaDescription:
    'Juniper & Pine is a small independent shop for handmade ceramics, linen and plants, packed by hand and sent from our workshop.',
  homeHeading: 'Goods for a slower home',
  homeIntro:
    'We are a two-person workshop making and choosing things we want to live with: stoneware mugs thrown on our wheel, washed linen, and plants grown in our greenhouse.\n\nEvery order is packed by hand in recycled paper and sent within two working days.',
  contactEmail: 'hello@juniper-and-pine.example',
  contactPhone: '+44 20 7946 0321',
  address: '14 Orchard Row, Bristol BS1 4DJ, United Kingdom',
  currency: 'GBP',
  locale: 'en-GB',
  pricesIncludeTax: true,
  country: 'GB',
  taxRates: { GB: { standard: 2000, reduced: 500, zero: 0 } },
  otherTaxRates: { standard: 0, reduced: 0, zero: 0 },
  shippingZones: [
    {
      id: 'uk',
      name: 'United Kingdom',
      countries: ['GB'],
      methods: [
        { id: 'uk-standard', name: 'Royal Mail Tracked 48', kind: 'free_over', price: 395, threshold: 5000 },
        { id: 'uk-express', name: 'Next working day', kind: 'flat', price: 895 },
        { id: 'pickup', name: 'Collect from our Bristol workshop', kind: 'pickup' },
      ],
    },
    {
      id: 'europe',
      name: 'Europe',
      countries: ['IE', 'FR', 'DE', 'NL', 'BE', 'ES', 'IT', 'PT', 'DK', 'SE', 'AT'],
      methods: [{ id: 'eu-tracked', name: 'International Tracked', kind: 'flat', price: 1495 }],
    },
  ],
  paymentMethods: ['stripe', 'bank_transfer', 'pay_on_pickup'],
  bankDetails: 'Juniper & Pine Ltd · Sort code 04-00-04 · Account 12345678',
}

const settingsSeeder: Seeder = {
  name: 'shop settings',
  options: {},
  async run(db, { progress }) {
    const bar = progress('shop settings', 1)
    await setMissingShopSettings(db, demoSettings)
    bar.done()
  },
}

/** The demo shop's accounts, printed at start in development so a person can try both sides. */
export const demoAccounts: { role: Role; name: string; email: string; password: string }[] = [
  { role: 'owner', name: 'Olive Owner', email: 'owner@juniper-and-pine.example', password: 'juniper owner demo' },
  { role: 'customer', name: 'Casey Customer', email: 'casey@example.com', password: 'juniper customer demo' },
]

const demoCustomerAddress = {
  phone: '',
  line1: '22 Cotham Hill',
  line2: '',
  city: 'Bristol',
  postcode: 'BS6 6LA',
  country: 'GB',
}

const accountsSeeder: Seeder = {
  name: 'demo accounts',
  options: {},
  async run(db, { progress, scrypt }) {
    const bar = progress('demo accounts', demoAccounts.length)
    for (const account of demoAccounts) {
      if (!(await findUserByEmail(db, account.email))) {
        const now = nowIso()
        const user = await insertUser(db, {
          email: account.email,
          name: account.name,
          role: account.role,
          password_hash: await hashPassword(account.password, scrypt),
          email_verified_at: now,
          created_at: now,
          updated_at: now,
        })
        // The demo customer has ordered before: checkout offers their address.
        if (account.role === 'customer')
          await saveAddress(db, { ...demoCustomerAddress, user_id: user.id, name: user.name, last_used_at: now })
      }
      bar.tick()
    }
    bar.done()
  },
}

/** Codes to try at checkout (the README lists them). */
const discountsSeeder: Seeder = {
  name: 'discount codes',
  options: {},
  async run(db, { progress }) {
    const bar = progress('discount codes', 3)
    const now = nowIso()
    const mugs = (await loadCategoryTree(db)).bySlug.get('mugs')
    const codes = [
      { code: 'WELCOME10', kind: 'percentage' as const, value: 1000, category_id: null, minimum_subtotal: null },
      { code: 'FREESHIP', kind: 'free_shipping' as const, value: 0, category_id: null, minimum_subtotal: 3000 },
      // Only with the demo catalogue's Mugs category: without it the code would cover every order.
      ...(mugs
        ? [{ code: 'MUGS5', kind: 'fixed' as const, value: 500, category_id: mugs.id, minimum_subtotal: null }]
        : []),
    ]
    for (const code of codes) {
      if (!(await selectDiscountByCode(db, code.code))) {
        await insertDiscountCode(db, { ...code, per_customer_limit: 1, created_at: now, updated_at: now })
      }
      bar.tick()
    }
    bar.done()
  },
}

/**
 * Every module's demo data, in the order they depend on each other. The
 * bench's orders come before the demo's: a shop seeded with them gets no others.
 */
export const seeders: Seeder[] = [
  settingsSeeder,
  accountsSeeder,
  catalogueSeeder,
  discountsSeeder,
  ordersSeeder,
  demoOrdersSeeder,
]

export async function seedDemo(db: Db, context: Partial<SeedContext> & { media: MediaStorage }): Promise<void> {
  const full: SeedContext = {
    sizes: {},
    progress: silentProgress,
    scrypt: RECOMMENDED_SCRYPT,
    baseUrl: 'http://localhost:3000',
    ...context,
  }
  full.sizes = {
    ...Object.fromEntries(seeders.flatMap((s) => Object.entries(s.options).map(([k, o]) => [k, o.default]))),
    ...full.sizes,
  }
  for (const seeder of seeders) await seeder.run(db, full)
}

/** Loads the demo shop into a database nobody has configured; returns whether it did. */
export async function seedDemoIfEmpty(
  db: Db,
  context: Partial<SeedContext> & { media: MediaStorage },
): Promise<boolean> {
  if (!(await isUnconfigured(db))) return false
  await seedDemo(db, context)
  return true
}

import type { Db } from '../../db/connection.js'
import { type ProgressFactory, silentProgress } from '../../lib/progress.js'
import { isUnconfigured, type ShopSettings, setMissingShopSettings } from '../settings/settings.service.js'

/** A size option a seeder takes on the command line, such as --products 100000. */
export interface SeedOption {
  description: string
  default: number
  max: number
}

export interface Seeder {
  name: string
  /** Options it reads from the command line; `db:seed` accepts only options some seeder declares. */
  options: Record<string, SeedOption>
  /** Adds what is missing; running it twice leaves the same shop as running it once. */
  run(db: Db, sizes: Record<string, number>, progress: ProgressFactory): Promise<void>
}

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
}

const settingsSeeder: Seeder = {
  name: 'shop settings',
  options: {},
  async run(db, _sizes, progress) {
    const bar = progress('shop settings', 1)
    await setMissingShopSettings(db, demoSettings)
    bar.done()
  },
}

/** Every module's demo data, in the order they depend on each other. */
export const seeders: Seeder[] = [settingsSeeder]

export async function seedDemo(
  db: Db,
  sizes: Record<string, number> = {},
  progress: ProgressFactory = silentProgress,
): Promise<void> {
  for (const seeder of seeders) await seeder.run(db, sizes, progress)
}

/** Loads the demo shop into a database nobody has configured; returns whether it did. */
export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  if (!(await isUnconfigured(db))) return false
  await seedDemo(db)
  return true
}

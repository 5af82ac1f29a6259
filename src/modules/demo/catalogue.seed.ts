import type { Insertable } from 'kysely'
import type { Db } from '../../db/connection.js'
import { afterExplicitIds, deferForeignKeys } from '../../db/dialect/index.js'
import type { Database } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import {
  countProducts,
  insertCatalogueRows,
  insertCategory,
  selectCategories,
  selectLastCatalogueIds,
} from '../catalogue/catalogue.repository.js'
import { slugify } from '../catalogue/catalogue.service.js'
import { renderDescription } from '../catalogue/markdown.js'
import { random, seedIllustrations } from './illustrations.js'
import type { Seeder } from './seeder.js'

/** The demo shop's departments; `kind` picks the illustration drawn for its products. */
const departments: {
  name: string
  description: string
  children: {
    name: string
    kind: string
    nouns: string[]
    options?: Record<string, string[]>
    price: [number, number]
  }[]
}[] = [
  {
    name: 'Ceramics',
    description: 'Stoneware and porcelain thrown on our wheel and glazed by hand.',
    children: [
      {
        name: 'Mugs',
        kind: 'mug',
        nouns: ['Mug', 'Cup', 'Beaker', 'Tumbler'],
        options: { Size: ['Small', 'Large'] },
        price: [1800, 3200],
      },
      { name: 'Bowls', kind: 'bowl', nouns: ['Bowl', 'Dish', 'Serving Bowl', 'Noodle Bowl'], price: [2200, 6400] },
      { name: 'Vases', kind: 'vase', nouns: ['Vase', 'Bud Vase', 'Jug', 'Bottle'], price: [2800, 9500] },
    ],
  },
  {
    name: 'Linen',
    description: 'Washed European linen, cut and sewn in our workshop.',
    children: [
      {
        name: 'Table Linen',
        kind: 'linen',
        nouns: ['Napkin Set', 'Tablecloth', 'Runner', 'Tea Towel'],
        options: { Colour: ['Oat', 'Sage', 'Clay', 'Ink'] },
        price: [1400, 8800],
      },
      {
        name: 'Aprons',
        kind: 'linen',
        nouns: ['Apron', 'Cross-back Apron', 'Half Apron'],
        options: { Size: ['Small', 'Medium', 'Large'], Colour: ['Oat', 'Ink'] },
        price: [3400, 5200],
      },
    ],
  },
  {
    name: 'Plants',
    description: 'Grown in our greenhouse and sent in recycled pots.',
    children: [
      {
        name: 'Houseplants',
        kind: 'plant',
        nouns: ['Fern', 'Pothos', 'Rubber Plant', 'Peace Lily', 'Calathea'],
        options: { 'Pot size': ['12 cm', '17 cm'] },
        price: [1200, 4500],
      },
      {
        name: 'Succulents',
        kind: 'cactus',
        nouns: ['Echeveria', 'Haworthia', 'Aloe', 'Jade Plant'],
        price: [600, 2400],
      },
    ],
  },
  {
    name: 'Home',
    description: 'Small things that make a room feel lived in.',
    children: [
      {
        name: 'Candles',
        kind: 'candle',
        nouns: ['Candle', 'Pillar Candle', 'Taper Pair', 'Tin Candle'],
        options: { Scent: ['Cedar', 'Fig', 'Unscented'] },
        price: [1100, 3600],
      },
      {
        name: 'Stationery',
        kind: 'notebook',
        nouns: ['Notebook', 'Sketchbook', 'Journal', 'Card Set'],
        price: [500, 2800],
      },
    ],
  },
]

const adjectives = [
  'Speckled',
  'Ash-glazed',
  'Moss',
  'Harbour',
  'Dune',
  'Slate',
  'Orchard',
  'Willow',
  'Fern',
  'Tide',
  'Ember',
  'Birch',
  'Juniper',
  'Chalk',
  'Meadow',
  'Heather',
  'Copper',
  'Rye',
  'Quarry',
  'Linden',
  'Saltmarsh',
  'Hazel',
  'Cobble',
  'Thistle',
]
const materials: Record<string, string> = {
  mug: 'Stoneware',
  bowl: 'Stoneware',
  vase: 'Porcelain',
  linen: 'Washed linen',
  plant: 'Living plant',
  cactus: 'Living plant',
  candle: 'Rapeseed wax',
  notebook: 'Recycled paper',
}

function combinations(options: Record<string, string[]>): Record<string, string>[] {
  return Object.entries(options).reduce<Record<string, string>[]>(
    (acc, [name, values]) => acc.flatMap((combo) => values.map((value) => ({ ...combo, [name]: value }))),
    [{}],
  )
}

export const catalogueSeeder: Seeder = {
  name: 'catalogue',
  options: {
    products: { description: 'how many products the demo catalogue has', default: 60, max: 1_000_000 },
  },
  async run(db, { sizes, progress, media }) {
    const wanted = sizes.products ?? 60
    const leaves = await seedCategories(db)
    const existing = await countProducts(db)
    if (existing >= wanted) return
    // Three drawings of each kind for the 60-product demo (every form, each in its own colours), so a
    // category's products do not all share one picture; 8 at least (tests), never more than 48.
    const pictures = Math.min(48, Math.max(8, Math.ceil(wanted / 20) * 8))
    const imageBar = progress('product images', pictures)
    const images = await seedIllustrations(db, media, pictures, imageBar)
    imageBar.done()
    const imagesByKind = new Map<string, number[]>()
    for (const image of images) imagesByKind.set(image.kind, [...(imagesByKind.get(image.kind) ?? []), image.id])

    const bar = progress('products', wanted - existing)
    const last = await selectLastCatalogueIds(db)
    let nextProduct = last.product + 1
    let nextVariant = last.variant + 1
    const rand = random(existing + 1)
    const start = Date.now() - wanted * 60_000
    const BATCH = 2000
    const rendered = new Map<string, { html: string; text: string }>()
    for (let done = existing; done < wanted; ) {
      const count = Math.min(BATCH, wanted - done)
      const products: Insertable<Database['products']>[] = []
      const variants: (Insertable<Database['variants']> & { id: number; price: number })[] = []
      const optionValues: Insertable<Database['variant_option_values']>[] = []
      const productImages: Insertable<Database['product_images']>[] = []
      for (let i = 0; i < count; i++) {
        const n = done + i
        const id = nextProduct++
        const leaf = leaves[n % leaves.length] as (typeof leaves)[number]
        const adjective = adjectives[Math.floor(rand() * adjectives.length)] as string
        const noun = leaf.nouns[Math.floor(rand() * leaf.nouns.length)] as string
        const title = n < adjectives.length * 4 ? `${adjective} ${noun}` : `${adjective} ${noun} No. ${n + 1}`
        const material = materials[leaf.kind] ?? 'Mixed'
        const md = `A ${noun.toLowerCase()} from our ${leaf.name.toLowerCase()} range, made in small batches.\n\n**${material}**, finished by hand, so no two are quite alike.\n\n- Packed in recycled paper\n- Sent within two working days`
        // Descriptions repeat across the catalogue; rendering each text once keeps 100,000 products fast.
        const description =
          rendered.get(md) ?? (rendered.set(md, renderDescription(md)).get(md) as { html: string; text: string })
        const base = Math.round((leaf.price[0] + rand() * (leaf.price[1] - leaf.price[0])) / 100) * 100 - 5
        const combos = leaf.options ? combinations(leaf.options) : [{}]
        const at = new Date(start + n * 60_000).toISOString()
        let inStock = false
        combos.forEach((options, position) => {
          const price = base + position * (leaf.options?.Size ? 400 : 0)
          const stock = rand() < 0.1 ? 0 : Math.floor(rand() * 40)
          if (stock > 0) inStock = true
          const variantId = nextVariant++
          variants.push({
            id: variantId,
            product_id: id,
            sku: `${leaf.kind.slice(0, 3).toUpperCase()}-${String(id).padStart(6, '0')}-${position + 1}`,
            options: JSON.stringify(options),
            price,
            compare_at_price: rand() < 0.15 ? price + 500 : null,
            stock,
            position,
            created_at: at,
            updated_at: at,
          })
          for (const [name, value] of Object.entries(options)) {
            optionValues.push({ variant_id: variantId, product_id: id, name, value })
          }
        })
        const prices = variants.filter((v) => v.product_id === id).map((v) => v.price)
        products.push({
          id,
          slug: `${slugify(title)}${n < adjectives.length * 4 ? `-${id}` : ''}`,
          title,
          description_md: md,
          description_html: description.html,
          description_text: description.text,
          status: n % 97 === 5 ? 'draft' : n % 89 === 7 ? 'archived' : 'active',
          category_id: leaf.id,
          attributes: JSON.stringify({ Material: material, Origin: 'Bristol, United Kingdom' }),
          option_names: JSON.stringify(Object.keys(leaf.options ?? {})),
          featured: n % 50 === 3 ? 1 : 0,
          price_min: Math.min(...prices),
          price_max: Math.max(...prices),
          in_stock: inStock ? 1 : 0,
          published_at: at,
          created_at: at,
          updated_at: at,
        })
        const pool = imagesByKind.get(leaf.kind) ?? images.map((image) => image.id)
        const pictures = 1 + (n % 3 === 0 ? 1 : 0)
        // The products of one category take their kind's pictures in turn, so neighbours differ; a
        // second category of the same kind (aprons after table linen) starts one picture on.
        const sameKindBefore = leaves.slice(0, n % leaves.length).filter((l) => l.kind === leaf.kind).length
        const turn = Math.floor(n / leaves.length) + sameKindBefore
        for (let p = 0; p < pictures; p++) {
          productImages.push({
            product_id: id,
            image_id: pool[(turn + p) % pool.length] as number,
            position: p,
            alt: p === 0 ? `${title}, drawn in the studio` : `${title}, another view`,
          })
        }
      }
      // Variants go in before their products, so each product's search row is written once, with its SKUs.
      await db.transaction().execute(async (trx) => {
        await deferForeignKeys(trx)
        await insertCatalogueRows(trx, 'variants', variants)
        await insertCatalogueRows(trx, 'variant_option_values', optionValues)
        await insertCatalogueRows(trx, 'products', products)
        await insertCatalogueRows(trx, 'product_images', productImages)
        await afterExplicitIds(trx, ['products', 'variants'])
      })
      done += count
      bar.tick(count)
    }
    bar.done()
  },
}

async function seedCategories(db: Db) {
  const now = nowIso()
  const existing = new Map((await selectCategories(db)).map((c) => [c.slug, c.id]))
  const leaves: {
    id: number
    name: string
    kind: string
    nouns: string[]
    options?: Record<string, string[]>
    price: [number, number]
  }[] = []
  for (const [position, department] of departments.entries()) {
    const slug = slugify(department.name)
    const parentId =
      existing.get(slug) ??
      (await insertCategory(db, {
        name: department.name,
        slug,
        description: department.description,
        position,
        created_at: now,
        updated_at: now,
      }))
    for (const [childPosition, child] of department.children.entries()) {
      const childSlug = slugify(child.name)
      const id =
        existing.get(childSlug) ??
        (await insertCategory(db, {
          name: child.name,
          slug: childSlug,
          parent_id: parentId,
          description: `${child.name} from our ${department.name.toLowerCase()} workshop.`,
          position: childPosition,
          created_at: now,
          updated_at: now,
        }))
      leaves.push({ ...child, id })
    }
  }
  return leaves
}

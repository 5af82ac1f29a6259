import { describe, expect } from 'vitest'
import type { Db } from '../../../db/connection.js'
import { getShopSettings } from '../../../modules/settings/settings.service.js'
import { idFromName } from '../../../modules/settings/shipping-settings.service.js'
import { shopperWithMug, TEST_ADDRESS } from '../../../testing/checkout.js'
import { shopTest as it } from '../../../testing/fixtures.js'
import { htmlErrors } from '../../../testing/html.js'

describe('ids made from names', () => {
  it('are lower-case words joined by dashes, unique, and never "new"', () => {
    expect(idFromName('Europe & Beyond', new Set(), 'zone')).toBe('europe-and-beyond')
    expect(idFromName('Europe', new Set(['europe', 'europe-2']), 'zone')).toBe('europe-3')
    expect(idFromName('New', new Set(), 'zone')).toBe('new-2')
    expect(idFromName('日本', new Set(), 'zone')).toBe('zone')
    expect(idFromName('Ünïcödé Zone', new Set(), 'zone')).toBe('unicode-zone')
  })
})

describe('shipping zones and methods in the back office', () => {
  const zones = async (db: Db) => (await getShopSettings(db)).shippingZones
  const zone = async (db: Db, id: string) => (await zones(db)).find((z) => z.id === id)
  const summaries = async (db: Db) =>
    (
      await db
        .selectFrom('activity_log')
        .select('summary')
        .where('action', '=', 'settings.updated')
        .orderBy('id')
        .execute()
    ).map((e) => e.summary)

  it('lists the zones with their countries and methods, and every page is valid HTML', async ({ owner }) => {
    const page = await owner.get('/admin/settings/shipping')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Ireland, France, Germany')
    expect(page.body).toContain('Royal Mail Tracked 48</a>: £3.95, free from £50.00')
    expect(page.body).toContain('Collect from our Bristol workshop</a>: free: collected from the shop')
    expect(page.body).toMatch(/<a href="\/admin\/settings\/shipping" aria-current="page">Shipping<\/a>/)
    expect(await htmlErrors(page.body)).toEqual([])
    for (const url of [
      '/admin/settings/shipping/new',
      '/admin/settings/shipping/uk',
      '/admin/settings/shipping/uk/removal',
      '/admin/settings/shipping/uk/methods/new',
      '/admin/settings/shipping/uk/methods/uk-standard',
      '/admin/settings/shipping/uk/methods/uk-standard/removal',
    ]) {
      const other = await owner.get(url)
      expect(other.statusCode, url).toBe(200)
      expect(await htmlErrors(other.body), url).toEqual([])
    }
    const method = await owner.get('/admin/settings/shipping/uk/methods/uk-standard')
    expect(method.body).toContain('value="3.95"')
    expect(method.body).toContain('value="50.00"')
  })

  it('creates a zone with an id of its own, changes it and removes it after asking, each logged', async ({
    shop,
    owner,
  }) => {
    const created = await owner.post('/admin/settings/shipping', { name: 'North America', countries: 'us, CA;  MX' })
    expect(created.statusCode).toBe(303)
    expect(created.headers.location).toBe('/admin/settings/shipping/north-america')
    expect(await zone(shop.db, 'north-america')).toEqual({
      id: 'north-america',
      name: 'North America',
      countries: ['US', 'CA', 'MX'],
      methods: [],
    })
    const page = await owner.get('/admin/settings/shipping/north-america')
    expect(page.body).toContain('The zone North America is added: now add its delivery methods.')
    expect(page.body).toContain('value="North America"')
    expect(page.body).toContain('US, CA, MX</textarea>')

    // A second zone of the same name gets an id of its own.
    await owner.post('/admin/settings/shipping', { name: 'North America', countries: 'GL' })
    expect(await zone(shop.db, 'north-america-2')).toMatchObject({ name: 'North America', countries: ['GL'] })

    expect(
      (await owner.post('/admin/settings/shipping/north-america', { name: 'Americas', countries: 'US, CA, MX, BR' }))
        .statusCode,
    ).toBe(303)
    expect(await zone(shop.db, 'north-america')).toMatchObject({
      name: 'Americas',
      countries: ['US', 'CA', 'MX', 'BR'],
    })

    expect((await owner.get('/admin/settings/shipping/north-america/removal')).body).toContain(
      'Remove the zone Americas?',
    )
    expect((await owner.post('/admin/settings/shipping/north-america/removal')).headers.location).toBe(
      '/admin/settings/shipping',
    )
    expect(await zone(shop.db, 'north-america')).toBeUndefined()
    expect(await summaries(shop.db)).toEqual([
      'Added the shipping zone North America (US, CA, MX)',
      'Added the shipping zone North America (GL)',
      'Changed the shipping zone North America: North America (US, CA, MX) → Americas (US, CA, MX, BR)',
      'Removed the shipping zone Americas (US, CA, MX, BR)',
    ])
    const [entry] = await shop.db
      .selectFrom('activity_log')
      .select('changes')
      .where('action', '=', 'settings.updated')
      .execute()
    const [before, after] = JSON.parse(entry?.changes ?? '{}').shippingZones
    expect(JSON.parse(before)).toHaveLength(2)
    expect(JSON.parse(after)).toHaveLength(3)
  })

  it('adds, changes and removes a zone’s methods, amounts read in the shop’s currency', async ({ shop, owner }) => {
    const added = await owner.post('/admin/settings/shipping/europe/methods', {
      name: 'Pickup',
      kind: 'pickup',
      price: '',
    })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe('/admin/settings/shipping/europe')
    // "pickup" is the UK zone's method already: ids are unique across zones.
    expect((await zone(shop.db, 'europe'))?.methods.at(-1)).toEqual({ id: 'pickup-2', name: 'Pickup', kind: 'pickup' })

    await owner.post('/admin/settings/shipping/europe/methods', {
      name: 'Courier',
      kind: 'free_over',
      price: '1,250.5',
      threshold: '100',
    })
    expect((await zone(shop.db, 'europe'))?.methods.at(-1)).toEqual({
      id: 'courier',
      name: 'Courier',
      kind: 'free_over',
      price: 125_050,
      threshold: 10_000,
    })

    expect(
      (
        await owner.post('/admin/settings/shipping/europe/methods/courier', {
          name: 'Courier',
          kind: 'flat',
          price: '0',
        })
      ).statusCode,
    ).toBe(303)
    expect((await zone(shop.db, 'europe'))?.methods.at(-1)).toEqual({
      id: 'courier',
      name: 'Courier',
      kind: 'flat',
      price: 0,
    })

    expect((await owner.get('/admin/settings/shipping/europe/methods/courier/removal')).body).toContain(
      'Remove Courier from Europe?',
    )
    expect((await owner.post('/admin/settings/shipping/europe/methods/courier/removal')).statusCode).toBe(303)
    expect((await zone(shop.db, 'europe'))?.methods.map((m) => m.id)).toEqual(['eu-tracked', 'pickup-2'])
    expect(await summaries(shop.db)).toEqual([
      'Added the delivery method Pickup to Europe: free: collected from the shop',
      'Added the delivery method Courier to Europe: £1,250.50, free from £100.00',
      'Changed the delivery method Courier of Europe: Courier, £1,250.50, free from £100.00 → Courier, free',
      'Removed the delivery method Courier from Europe',
    ])
  })

  it('answers each mistake with a 422 and its message, and changes nothing', async ({ shop, owner }) => {
    await owner.post('/admin/settings/shipping', { name: 'World', restOfWorld: 'on' })
    expect(await zone(shop.db, 'world')).toMatchObject({ countries: 'rest_of_world', methods: [] })
    const before = await zones(shop.db)
    const method = { name: 'Courier', kind: 'flat', price: '5' }
    for (const [url, fields, message] of [
      ['/admin/settings/shipping', { name: '', countries: 'US' }, 'Enter the zone’s name'],
      ['/admin/settings/shipping', { name: 'X'.repeat(81), countries: 'US' }, 'Keep the zone’s name to 80 characters'],
      ['/admin/settings/shipping', { name: 'Far', countries: 'US, UK, XX' }, 'UK, XX are not'],
      ['/admin/settings/shipping', { name: 'Far', countries: 'EU' }, 'EU is not one'],
      ['/admin/settings/shipping', { name: 'Far', countries: '' }, 'List the zone’s countries, like GB, IE'],
      [
        '/admin/settings/shipping',
        { name: 'Far', countries: 'FR, US, DE' },
        'A country ships in one zone only: FR is in Europe, DE is in Europe',
      ],
      [
        '/admin/settings/shipping',
        { name: 'Far', restOfWorld: 'on' },
        'The zone World covers the rest of the world already',
      ],
      [
        '/admin/settings/shipping',
        { name: 'Far', countries: 'US', restOfWorld: 'on' },
        'A rest-of-the-world zone lists no countries',
      ],
      ['/admin/settings/shipping/europe', { name: 'Europe', countries: 'GB, FR' }, 'GB is in United Kingdom'],
      ['/admin/settings/shipping/europe/methods', { ...method, name: '' }, 'Enter the method’s name'],
      ['/admin/settings/shipping/europe/methods', { ...method, kind: 'boat' }, 'Choose how the method is priced'],
      ['/admin/settings/shipping/europe/methods', { ...method, price: '' }, 'Enter the price, like 3.95 (0 for free)'],
      [
        '/admin/settings/shipping/europe/methods',
        { ...method, price: '5.999' },
        'Enter the price as an amount, like 3.95',
      ],
      ['/admin/settings/shipping/europe/methods', { ...method, price: '-5' }, 'Enter the price as an amount'],
      [
        '/admin/settings/shipping/europe/methods/eu-tracked',
        { ...method, kind: 'free_over', threshold: '' },
        'Enter the order amount from which delivery is free',
      ],
    ] as const) {
      const response = await owner.post(url, fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
      expect(await htmlErrors(response.body), message).toEqual([])
    }
    expect(await zones(shop.db)).toEqual(before)
    expect(await summaries(shop.db)).toHaveLength(1)
  })

  it('answers 404 for a zone or method that is not there', async ({ shop, owner }) => {
    for (const url of [
      '/admin/settings/shipping/atlantis',
      '/admin/settings/shipping/atlantis/removal',
      '/admin/settings/shipping/atlantis/methods/new',
      '/admin/settings/shipping/uk/methods/eu-tracked',
      '/admin/settings/shipping/uk/methods/nope/removal',
    ])
      expect((await owner.get(url)).statusCode, url).toBe(404)
    for (const [url, fields] of [
      ['/admin/settings/shipping/atlantis', { name: 'A', countries: 'US' }],
      ['/admin/settings/shipping/atlantis/removal', {}],
      ['/admin/settings/shipping/atlantis/methods', { name: 'A', kind: 'pickup' }],
      ['/admin/settings/shipping/uk/methods/eu-tracked', { name: 'A', kind: 'pickup' }],
      ['/admin/settings/shipping/uk/methods/nope/removal', {}],
    ] as const)
      expect((await owner.post(url, fields)).statusCode, url).toBe(404)
    expect(await summaries(shop.db)).toEqual([])
  })

  it('a new zone reaches checkout at once: its countries can order and get its methods', async ({ shop, owner }) => {
    const shopper = await shopperWithMug(shop)
    const american = { ...TEST_ADDRESS, country: 'US', city: 'San Francisco', postcode: '94107' }
    expect((await shopper.post('/checkout', american)).statusCode).toBe(422)

    await owner.post('/admin/settings/shipping', { name: 'North America', countries: 'US, CA' })
    await owner.post('/admin/settings/shipping/north-america/methods', { name: 'USPS', kind: 'flat', price: '12' })
    expect((await shopper.post('/checkout', american)).headers.location).toBe('/checkout/delivery')
    const delivery = await shopper.get('/checkout/delivery')
    expect(delivery.response.body).toMatch(/USPS <strong>£12.00/)
    expect(delivery.response.body).not.toContain('Royal Mail')
  })
  it('a rest-of-the-world zone lets a shopper anywhere order, at its own prices', async ({ shop, owner }) => {
    const shopper = await shopperWithMug(shop)
    const japanese = { ...TEST_ADDRESS, country: 'JP', city: 'Kyoto', postcode: '600-8216' }
    expect((await shopper.post('/checkout', japanese)).statusCode).toBe(422)

    await owner.post('/admin/settings/shipping', { name: 'World', restOfWorld: 'on' })
    await owner.post('/admin/settings/shipping/world/methods', { name: 'Airmail', kind: 'flat', price: '25' })
    const form = await shopper.get('/checkout')
    expect(form.response.body).toContain('<option value="JP"')
    expect((await shopper.post('/checkout', japanese)).headers.location).toBe('/checkout/delivery')
    expect((await shopper.get('/checkout/delivery')).response.body).toMatch(/Airmail <strong>£25.00/)
  })
})

import { describe, expect } from 'vitest'
import type { Db } from '../../../db/connection.js'
import { getShopSettings } from '../../../modules/settings/settings.service.js'
import { basisPointsOf, percentText } from '../../../modules/settings/tax.forms.js'
import { shopperWithMug } from '../../../testing/checkout.js'
import { shopTest as it } from '../../../testing/fixtures.js'
import { htmlErrors } from '../../../testing/html.js'

describe('percentages in basis points', () => {
  it('reads up to 2 decimals, a comma or a percent sign, never through floating point', () => {
    expect(['20', '5.5', '5,5', '12.25 %', '0', '100', '0.01', '7.10'].map(basisPointsOf)).toEqual(
      [2000, 550, 550, 1225, 0, 10_000, 1, 710].map((value) => ({ ok: true, value })),
    )
    expect(basisPointsOf('100.01')).toEqual({ ok: false, reason: 'range' })
    for (const bad of ['', '-1', '5.555', 'twenty', '1e2', '20%%', '.5'])
      expect(basisPointsOf(bad), bad).toEqual({ ok: false, reason: 'format' })
  })

  it('writes them back as people type them', () => {
    expect([2000, 550, 1225, 0, 1, 710, 10_000].map(percentText)).toEqual([
      '20',
      '5.5',
      '12.25',
      '0',
      '0.01',
      '7.1',
      '100',
    ])
  })
})

describe('tax rates in the back office', () => {
  const activity = (db: Db) =>
    db
      .selectFrom('activity_log')
      .select(['summary', 'changes'])
      .where('action', '=', 'settings.updated')
      .orderBy('id')
      .execute()

  it('lists the rates by country as percentages, with every other country and the tax classes explained', async ({
    owner,
  }) => {
    const page = await owner.get('/admin/settings/tax')
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(
      /United Kingdom <span class="muted">\(GB\)<\/span><\/th>\s*<td data-label="Standard" class="numeric">20 %<\/td>\s*<td data-label="Reduced" class="numeric">5 %<\/td>\s*<td data-label="Zero" class="numeric">0 %<\/td>/,
    )
    expect(page.body).toContain('Every other country')
    expect(page.body).toContain('<dt>Reduced</dt>')
    expect(page.body).toContain('href="/admin/settings/tax"')
    expect(page.body).toMatch(/<a href="\/admin\/settings\/tax" aria-current="page">Tax<\/a>/)
    expect(await htmlErrors(page.body)).toEqual([])
    for (const url of ['/admin/settings/tax/GB', '/admin/settings/tax/other', '/admin/settings/tax/GB/removal']) {
      const other = await owner.get(url)
      expect(other.statusCode, url).toBe(200)
      expect(await htmlErrors(other.body), url).toEqual([])
    }
  })

  it('adds a country, changes its rates and removes it after asking, each logged before → after', async ({
    shop,
    owner,
  }) => {
    const added = await owner.post('/admin/settings/tax', { country: 'fr', standard: '20', reduced: '5,5', zero: '0' })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe('/admin/settings/tax')
    expect((await getShopSettings(shop.db)).taxRates.FR).toEqual({ standard: 2000, reduced: 550, zero: 0 })
    const list = await owner.get('/admin/settings/tax')
    expect(list.body).toContain('The tax rates for France are added.')
    expect(list.body).toMatch(
      /France <span class="muted">\(FR\)<\/span><\/th>\s*<td data-label="Standard" class="numeric">20 %<\/td>\s*<td data-label="Reduced" class="numeric">5.5 %<\/td>/,
    )

    const form = await owner.get('/admin/settings/tax/FR')
    expect(form.body).toContain('value="5.5"')
    expect(
      (await owner.post('/admin/settings/tax/FR', { standard: '20', reduced: '10', zero: '2.1' })).statusCode,
    ).toBe(303)
    expect((await getShopSettings(shop.db)).taxRates.FR).toEqual({ standard: 2000, reduced: 1000, zero: 210 })

    const confirm = await owner.get('/admin/settings/tax/FR/removal')
    expect(confirm.body).toContain('Remove the tax rates for France?')
    expect((await getShopSettings(shop.db)).taxRates.FR).toBeDefined()
    expect((await owner.post('/admin/settings/tax/FR/removal')).statusCode).toBe(303)
    expect((await getShopSettings(shop.db)).taxRates).toEqual({ GB: { standard: 2000, reduced: 500, zero: 0 } })

    expect((await activity(shop.db)).map((e) => e.summary)).toEqual([
      'Added the tax rates for France: 20 % / 5.5 % / 0 %',
      'Changed the tax rates for France: 20 % / 5.5 % / 0 % → 20 % / 10 % / 2.1 %',
      'Removed the tax rates for France (20 % / 10 % / 2.1 %)',
    ])
    const [first] = await activity(shop.db)
    const [before, after] = JSON.parse(first?.changes ?? '{}').taxRates
    expect(JSON.parse(before)).not.toHaveProperty('FR')
    expect(JSON.parse(after).FR).toEqual({ standard: 2000, reduced: 550, zero: 0 })
  })

  it('changes the rates for every other country, which cannot be removed', async ({ shop, owner }) => {
    expect(
      (await owner.post('/admin/settings/tax/other', { standard: '10', reduced: '0', zero: '0' })).statusCode,
    ).toBe(303)
    expect((await getShopSettings(shop.db)).otherTaxRates).toEqual({ standard: 1000, reduced: 0, zero: 0 })
    expect((await activity(shop.db)).at(-1)?.summary).toBe(
      'Changed the tax rates for every other country: 0 % / 0 % / 0 % → 10 % / 0 % / 0 %',
    )
    expect((await owner.get('/admin/settings/tax/other/removal')).statusCode).toBe(404)
    expect((await owner.post('/admin/settings/tax/other/removal')).statusCode).toBe(404)
  })

  it('saving the same rates again changes and logs nothing', async ({ shop, owner }) => {
    expect(
      (await owner.post('/admin/settings/tax/GB', { standard: '20', reduced: '5.00', zero: '0' })).statusCode,
    ).toBe(303)
    expect(await activity(shop.db)).toEqual([])
  })

  it('answers each mistake with a 422 and its message, and changes nothing', async ({ shop, owner }) => {
    const before = await getShopSettings(shop.db)
    const rates = { standard: '20', reduced: '5', zero: '0' }
    for (const [url, fields, message] of [
      ['/admin/settings/tax', { ...rates, country: '' }, 'Choose the country'],
      [
        '/admin/settings/tax',
        { ...rates, country: 'UK' },
        'Choose a country from the list (a two-letter ISO code like FR)',
      ],
      ['/admin/settings/tax', { ...rates, country: 'EU' }, 'Choose a country from the list'],
      ['/admin/settings/tax', { ...rates, country: 'GB' }, 'United Kingdom has its rates already'],
      [
        '/admin/settings/tax',
        { ...rates, country: 'FR', standard: '101' },
        'The standard rate is a percentage from 0 to 100',
      ],
      [
        '/admin/settings/tax',
        { ...rates, country: 'FR', reduced: '-1' },
        'The reduced rate is a percentage from 0 to 100 with up to 2 decimals',
      ],
      ['/admin/settings/tax', { ...rates, country: 'FR', zero: '' }, 'Enter the zero rate as a percentage'],
      ['/admin/settings/tax/GB', { ...rates, standard: '20.125' }, 'with up to 2 decimals, like 5.5'],
      ['/admin/settings/tax/other', { ...rates, zero: 'none' }, 'The zero rate is a percentage'],
    ] as const) {
      const response = await owner.post(url, fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain('There is a problem with what you entered')
      expect(await htmlErrors(response.body), message).toEqual([])
    }
    const after = await getShopSettings(shop.db)
    expect([after.taxRates, after.otherTaxRates]).toEqual([before.taxRates, before.otherTaxRates])
    expect(await activity(shop.db)).toEqual([])
  })

  it('answers 404 for a country the table does not have', async ({ shop, owner }) => {
    for (const url of ['/admin/settings/tax/DE', '/admin/settings/tax/zz/removal', '/admin/settings/tax/<b>'])
      expect((await owner.get(url)).statusCode, url).toBe(404)
    expect((await owner.post('/admin/settings/tax/DE', { standard: '1', reduced: '1', zero: '0' })).statusCode).toBe(
      404,
    )
    expect((await owner.post('/admin/settings/tax/DE/removal')).statusCode).toBe(404)
    expect(await activity(shop.db)).toEqual([])
  })

  it('prices the checkout at a changed rate at once', async ({ shop, owner }) => {
    const shopper = await shopperWithMug(shop, 2)
    // £36 of mugs and £3.95 delivery, with tax included: at 20 % the tax is £6.66.
    expect((await shopper.toReview()).review.response.body).toContain('Includes £6.66 tax')
    await owner.post('/admin/settings/tax/GB', { standard: '10', reduced: '5', zero: '0' })
    // At 10 %: £3.27 on the mugs (3600 − 3273) and £0.36 on delivery (395 − 359).
    expect((await shopper.get('/checkout/review')).response.body).toContain('Includes £3.63 tax')
  })
})

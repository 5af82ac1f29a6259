import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures.js'

/** A card's price as a number of pounds: "From £19.95" → 19.95. */
function amount(text: string): number {
  const digits = text.replace(/[^\d.]/g, '')
  const n = Number(digits)
  if (!digits || Number.isNaN(n)) throw new Error(`not a price: ${JSON.stringify(text)}`)
  return n
}

/** What each card charges now (a sale's "was" price left out). */
async function cardPrices(cards: Locator): Promise<number[]> {
  return (await cards.locator('.product-card-now').allTextContents()).map(amount)
}

test('a shopper browses a category, filters and sorts it, and opens a product', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Goods for a slower home')
  const categories = page.getByRole('region', { name: 'Shop by category' })
  await expect(categories.getByRole('link')).not.toHaveCount(0)
  await categories.getByRole('link', { name: 'Ceramics' }).click()

  await expect(page).toHaveURL(/\/categories\/ceramics$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ceramics')
  await expect(
    page.getByRole('navigation', { name: 'Subcategories' }).getByRole('link', { name: 'Mugs' }),
  ).toBeVisible()
  await expect(page.locator('#results-heading')).toHaveText(/^\d+ products?$/)
  await expect(page.locator('.product-card')).not.toHaveCount(0)

  const filters = page.getByRole('form', { name: 'Filter and sort' })
  await filters.getByLabel('In stock only').check()
  await filters.getByLabel('Sort by').selectOption({ label: 'Price: low to high' })
  await filters.getByRole('button', { name: 'Show products' }).click()

  await expect(page).toHaveURL(/\/categories\/ceramics\?/)
  const params = new URL(page.url()).searchParams
  expect(params.get('in_stock')).toBe('1')
  expect(params.get('sort')).toBe('price_asc')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ceramics')
  await expect(filters.getByLabel('In stock only')).toBeChecked()
  await expect(filters.getByLabel('Sort by')).toHaveValue('price_asc')

  const cards = page.locator('.product-card')
  await expect(cards).not.toHaveCount(0)
  // Only products in stock are listed.
  await expect(cards.locator('.product-card-stock')).toHaveCount(0)
  const prices = await cardPrices(cards)
  expect(prices.length).toBeGreaterThan(1)
  expect(prices).toEqual([...prices].sort((a, b) => a - b))

  const first = cards.first()
  const title = (await first.locator('.product-card-title').textContent())?.trim() ?? ''
  expect(title).not.toBe('')
  await first.getByRole('link', { name: title }).click()

  await expect(page).toHaveURL(/\/products\/[a-z0-9-]+$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  await expect(page.locator('[data-price]')).toHaveText(/£\d+\.\d\d/)
  await expect(page.locator('[data-stock]')).toHaveText('In stock')
  await expect(page.getByRole('button', { name: 'Add to cart' })).toBeEnabled()
})

test('a shopper chooses the other size of a mug and sees its price and SKU', async ({ page, javaScriptEnabled }) => {
  await page.goto('/categories/mugs')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mugs')
  const card = page.locator('.product-card').first()
  await expect(card.locator('.product-card-price')).toHaveText(/^From £/)
  const title = (await card.locator('.product-card-title').textContent())?.trim() ?? ''
  await card.getByRole('link', { name: title }).click()

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  const size = page.getByLabel('Size')
  await expect(size.getByRole('option')).toHaveText(['Small', 'Large'])
  const price = page.locator('[data-price]')
  const sku = page.locator('[data-sku]')
  await expect(price).toHaveText(/£\d+\.\d\d/)
  await expect(sku).not.toBeEmpty()
  const before = { size: await size.inputValue(), price: await price.textContent(), sku: await sku.textContent() }
  const other = before.size === 'Small' ? 'Large' : 'Small'
  const choose = page.getByRole('button', { name: 'Show this choice' })

  if (javaScriptEnabled) {
    // The choice is shown in place: no new page loads.
    await expect(choose).toBeHidden()
    await page.evaluate(() => {
      ;(globalThis as unknown as { samePage: boolean }).samePage = true
    })
    await size.selectOption(other)
    await expect(price).not.toHaveText(before.price ?? '')
    expect(await page.evaluate(() => (globalThis as unknown as { samePage?: boolean }).samePage)).toBe(true)
  } else {
    await expect(choose).toBeVisible()
    await size.selectOption(other)
    await choose.click()
  }

  await expect(page).toHaveURL(new RegExp(`\\?Size=${other}$`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  await expect(size).toHaveValue(other)
  await expect(price).toHaveText(/£\d+\.\d\d/)
  await expect(price).not.toHaveText(before.price ?? '')
  await expect(sku).not.toHaveText(before.sku ?? '')
  await expect(sku).toHaveText(new RegExp(`^${(before.sku ?? '').replace(/-\d+$/, '')}-\\d+$`))
  // A larger mug costs more than a smaller one.
  const prices = { [before.size]: amount(before.price ?? ''), [other]: amount((await price.textContent()) ?? '') }
  expect(prices.Large).toBeGreaterThan(prices.Small ?? Number.POSITIVE_INFINITY)
})

test('a shopper searches from the header for a product seen in the shop and opens a result', async ({ page }) => {
  await page.goto('/products')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('All products')
  const title = (await page.locator('.product-card-title').first().textContent())?.trim() ?? ''
  const word = title.split(/[^A-Za-z]+/).find((w) => w.length >= 3)
  expect(word, `a word to search for in ${JSON.stringify(title)}`).toBeTruthy()

  const header = page.getByRole('banner')
  await header.getByLabel('Search the shop').fill(word ?? '')
  await header.getByRole('button', { name: 'Search' }).click()

  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word}$`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Search results for “${word}”`)
  await expect(page.locator('#results-heading')).toHaveText(/^\d+\+? products? found$/)
  const results = page.locator('.search-results').getByRole('link')
  await expect(results).not.toHaveCount(0)
  await expect(results.filter({ hasText: title }).first()).toBeVisible()

  const first = results.first()
  const firstTitle = (await first.textContent())?.trim() ?? ''
  await first.click()

  await expect(page).toHaveURL(/\/products\/[a-z0-9-]+$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(firstTitle)
  await expect(page.locator('[data-sku]')).not.toBeEmpty()
})

test('on a phone, cards sit two to a row and the filters fold behind "Filter and sort"', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto('/categories/linen')
  const cards = page.locator('.product-card')
  const tops = await cards.evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().top))
  expect(tops[0]).toBe(tops[1])
  const filters = page.getByRole('form', { name: 'Filter and sort' })
  await expect(filters).toBeHidden()

  // A <details>: it opens without a script.
  await page.locator('summary', { hasText: 'Filter and sort' }).click()
  await expect(filters).toBeVisible()
  // Linen's own options only, each with how many products offer it.
  await expect(filters.locator('legend')).toHaveText(['Price (GBP)', 'Colour', 'Size'])
  const small = filters.getByLabel(/^Small \(\d+\)$/)
  const smallLabel = await filters
    .locator('label')
    .filter({ hasText: /^Small \(/ })
    .textContent()
  const offered = Number((smallLabel ?? '').replace(/\D/g, ''))
  await small.check()
  await filters.getByRole('button', { name: 'Show products' }).click()

  await expect(page).toHaveURL(/\/categories\/linen\?/)
  expect(new URL(page.url()).searchParams.getAll('option')).toEqual(['Size:Small'])
  await expect(page.locator('#results-heading')).toHaveText(`${offered} products`)
  const inUse = page.locator('.active-filters')
  await expect(inUse.getByRole('link')).toHaveCount(1)
  await inUse.getByRole('link', { name: 'Remove Size: Small', exact: true }).click()
  await expect(page).toHaveURL(/\/categories\/linen$/)
  await expect(page.locator('.active-filters')).toHaveCount(0)
})

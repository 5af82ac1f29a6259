import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.js'

/** Where the pictures go after a run, for a person to look at (git-ignored). */
const FOLDER = fileURLToPath(new URL('screenshots/', import.meta.url))
const WIDTHS = [390, 1280] as const

/** PNG's own header: the signature, then the IHDR chunk with the width. */
function pngWidth(file: string): number {
  const bytes = readFileSync(file)
  expect(bytes.subarray(1, 4).toString('latin1'), `${file} is a PNG`).toBe('PNG')
  return bytes.readUInt32BE(16)
}

/** Goes to `path`, checks that it answered 200 with its heading, and saves the whole page as `name`-`width`.png. */
async function shoot(page: Page, path: string, name: string, h1: string | RegExp) {
  const response = await page.goto(path)
  expect(response?.status(), `${path} answers 200`).toBe(200)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(h1)
  // Every picture in full, not a lazy one's empty box.
  await page.evaluate(
    'Promise.all([...document.images].map((img) => { img.loading = "eager"; return img.decode().catch(() => {}) }))',
  )
  const width = page.viewportSize()?.width ?? 0
  const file = `${FOLDER}${name}-${width}.png`
  await page.screenshot({ path: file, fullPage: true })
  expect(pngWidth(file)).toBeGreaterThanOrEqual(width)
}

/**
 * The storefront as a shopper meets it, at a phone's width and a laptop's,
 * saved to e2e/screenshots/ so a person can look at the pages after a run:
 * home, a category listing, a product, search results, the cart and each step
 * of the checkout. Run with JavaScript only (playwright.config.ts): the
 * journeys without it see the same layout. The fixture checks every page it
 * visits for HTML errors, axe violations and width at 390 px, like any journey.
 */
test('the storefront pages, photographed at 390 and 1280 px wide', async ({ page }) => {
  // Eighteen pages, and the fixture's checks on each different one afterwards.
  test.setTimeout(120_000)
  rmSync(FOLDER, { recursive: true, force: true })
  mkdirSync(FOLDER, { recursive: true })

  // Once, at the narrow width: a cup in the cart and the checkout filled in as far as the review.
  await page.setViewportSize({ width: WIDTHS[0], height: 844 })
  await page.goto('/categories/mugs')
  await page.locator('.product-card').getByRole('link', { name: 'Fern Cup' }).click()
  const product = new URL(page.url()).pathname
  await page.getByRole('button', { name: 'Add to cart' }).click()
  await expect(page.getByRole('status')).toContainText('Added 1 × Fern Cup')
  await page.getByRole('link', { name: 'Check out' }).click()
  await page.getByLabel('Email address').fill('ada@example.com')
  await page.getByLabel('Full name').fill('Ada Lovelace')
  await page.getByLabel('Address line 1').fill('1 Marsh Lane')
  await page.getByLabel('Town or city').fill('Bristol')
  await page.getByLabel('Postcode').fill('BS1 4DJ')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await expect(page).toHaveURL(/\/checkout\/delivery$/)
  await page.getByRole('button', { name: 'Continue to payment' }).click()
  await expect(page).toHaveURL(/\/checkout\/payment$/)
  await page.getByLabel(/Bank transfer/).check()
  await page.getByRole('button', { name: 'Review the order' }).click()
  await expect(page).toHaveURL(/\/checkout\/review$/)

  // Then every page at each width, as the same shopper sees it.
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 800 })
    await shoot(page, '/', '01-home', 'Goods for a slower home')
    await shoot(page, '/categories/mugs', '02-listing', 'Mugs')
    await shoot(page, product, '03-product', 'Fern Cup')
    await shoot(page, '/search?q=fern', '04-search', 'Search results for “fern”')
    await shoot(page, '/cart', '05-cart', 'Your cart')
    await shoot(page, '/checkout', '06-checkout-address', 'Checkout')
    await shoot(page, '/checkout/delivery', '07-checkout-delivery', 'Checkout')
    await shoot(page, '/checkout/payment', '08-checkout-payment', 'Checkout')
    await shoot(page, '/checkout/review', '09-checkout-review', 'Checkout')
  }
  await expect(page.locator('.checkout-summary')).toContainText('Fern Cup')
})

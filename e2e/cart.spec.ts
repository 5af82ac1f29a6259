import { expect, test } from './fixtures.js'

test('a shopper changes quantities and removes a line in the cart, in place when JavaScript runs', async ({
  page,
  javaScriptEnabled,
}) => {
  for (const title of ['Fern Cup', 'Heather Mug']) {
    await page.goto('/categories/mugs')
    await page.locator('.product-card').getByRole('link', { name: title }).click()
    await page.getByRole('button', { name: 'Add to cart' }).click()
    await expect(page.getByRole('status')).toContainText(`Added 1 × ${title}`)
  }
  await expect(page.getByRole('link', { name: /^Cart \(2\)$/ })).toBeVisible()
  const fern = page.locator('.cart-table tbody tr', { hasText: 'Fern Cup' })
  const unitPrice = Number((await fern.locator('td').nth(1).textContent())?.replace(/[^\d.]/g, ''))

  // A page that is not loaded again keeps what a script put on it.
  if (javaScriptEnabled) await page.evaluate("document.body.setAttribute('data-kept', 'yes')")

  await page.getByLabel('Quantity of Fern Cup').fill('3')
  await page.getByRole('button', { name: 'Update the quantity of Fern Cup' }).click()
  await expect(page.locator('main .flash')).toContainText('Updated the quantity of Fern Cup.')
  // With JavaScript the message is also read out, through the page's one live region.
  if (javaScriptEnabled)
    await expect(page.locator('body > [aria-live]')).toHaveText('Updated the quantity of Fern Cup.')
  await expect(fern.locator('td').nth(3)).toHaveText(`£${(unitPrice * 3).toFixed(2)}`)
  await expect(page.getByRole('link', { name: /^Cart \(4\)$/ })).toBeVisible()
  if (javaScriptEnabled) await expect(page.getByLabel('Quantity of Fern Cup')).toBeFocused()

  // More than there is: the line says how many are left, and nothing changes.
  await page.getByLabel('Quantity of Fern Cup').fill('99')
  await page.getByRole('button', { name: 'Update the quantity of Fern Cup' }).click()
  await expect(fern.locator('.field-error')).toContainText(/Only \d+ left/)
  await expect(page.getByRole('link', { name: /^Cart \(4\)$/ })).toBeVisible()

  await page.getByRole('button', { name: 'Remove Heather Mug' }).click()
  await expect(page.locator('main .flash')).toContainText('Removed Heather Mug from your cart.')
  await expect(page.locator('.cart-table tbody tr')).toHaveCount(1)
  await expect(page.getByRole('link', { name: /^Cart \(3\)$/ })).toBeVisible()

  if (javaScriptEnabled) await expect(page.locator('body')).toHaveAttribute('data-kept', 'yes')
  await expect(page).toHaveURL(/\/cart(\/lines\/\d+)?$/)
})

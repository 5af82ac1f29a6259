import { expect, test } from './fixtures.js'

test('a shopper opens a product’s picture larger, and comes back to the product', async ({
  page,
  javaScriptEnabled,
}) => {
  await page.goto('/categories/mugs')
  await page.locator('.product-card').getByRole('link', { name: 'Fern Cup' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fern Cup')
  const zoom = page.getByRole('link', { name: /View larger picture/ })
  const href = (await zoom.getAttribute('href')) ?? ''
  expect(href).toMatch(/^\/media\/\w\w\/\w+-1200\.jpg$/)

  if (!javaScriptEnabled) {
    // Without JavaScript the link is the large picture itself.
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(href)), zoom.click()])
    expect(response.status()).toBe(200)
    expect(response.headers()['content-type']).toBe('image/jpeg')
    await expect(page).toHaveURL(new RegExp(`${href}$`))
    await page.goBack()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fern Cup')
    return
  }

  // With JavaScript it opens over the page, in a dialog, and the page stays where it was.
  const url = page.url()
  await zoom.click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  const picture = dialog.getByRole('img')
  await expect(picture).toHaveAttribute('src', href)
  await expect
    .poll(() => picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
    .toBe(1200)
  const close = dialog.getByRole('button', { name: 'Close' })
  await expect(close).toBeFocused()
  expect(page.url()).toBe(url)

  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(zoom).toBeFocused()

  // The keyboard opens it too; the Close button closes it.
  await page.keyboard.press('Enter')
  await expect(dialog).toBeVisible()
  await close.click()
  await expect(dialog).toHaveCount(0)
  await expect(zoom).toBeFocused()
})

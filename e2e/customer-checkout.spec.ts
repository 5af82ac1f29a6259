import { expect, test } from './fixtures.js'

test('a customer checks out with a saved address, paying on collection, and finds the order in their account', async ({
  page,
}) => {
  await page.goto('/login')
  await page.getByLabel('Email address').fill('casey@example.com')
  await page.getByLabel('Password', { exact: true }).fill('juniper customer demo')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('status')).toContainText('Welcome back, Casey Customer.')

  await page.goto('/categories/mugs')
  await page.locator('.product-card').getByRole('link', { name: 'Fern Cup' }).click()
  await page.getByRole('button', { name: 'Add to cart' }).click()
  await expect(page).toHaveURL(/\/cart$/)
  await page.getByRole('link', { name: 'Check out' }).click()

  // The address from Casey's earlier order is offered; choosing it fills the form.
  const saved = page.getByRole('region', { name: 'Your addresses' })
  await expect(saved).toContainText('22 Cotham Hill, Bristol BS6 6LA, United Kingdom')
  await saved.getByRole('link', { name: /Use this address/ }).click()
  await expect(page.getByLabel('Address line 1')).toHaveValue('22 Cotham Hill')
  await expect(page.getByLabel('Email address')).toHaveValue('casey@example.com')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()

  await page.getByLabel(/Collect from our Bristol workshop/).check()
  await page.getByRole('button', { name: 'Continue to payment' }).click()
  await page.getByLabel(/Pay on collection/).check()
  await page.getByRole('button', { name: 'Review the order' }).click()
  // Collected: the review shows where from, not a delivery address, and the button how it is paid.
  await expect(page.locator('main dl.details')).toContainText('Collect from our Bristol workshop: 14 Orchard Row')
  await expect(page.locator('main dl.details')).not.toContainText('22 Cotham Hill')
  await expect(page.getByText(/^You pay £[\d.]+ when you collect your order/)).toBeVisible()
  await page.getByRole('button', { name: 'Place order — pay on collection' }).click()

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Order #\d+$/)
  const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? ''
  const number = heading.replace('Order #', '')

  await page.goto('/account')
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Orders' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your orders')
  await page.getByRole('link', { name: `#${number}` }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Order #${number}`)
  await expect(page.getByText('Collect from our Bristol workshop: unfulfilled')).toBeVisible()
  await expect(page.locator('main dl.details')).toContainText('14 Orchard Row, Bristol BS1 4DJ, United Kingdom')
  await expect(page.locator('main dl.details')).not.toContainText('Deliver to')
})

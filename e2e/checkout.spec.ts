import { linkIn } from '../src/testing/smtp.js'
import { expect, test } from './fixtures.js'

test('a guest buys two sizes of a cup with a discount code by bank transfer and opens the order from the confirmation email', async ({
  page,
  shop,
  javaScriptEnabled,
}) => {
  await page.goto('/categories/mugs')
  // The demo catalogue is the same in every run; this cup has both sizes in stock.
  const title = 'Fern Cup'
  await page.locator('.product-card').getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)

  // Two small mugs, then one large.
  await page.getByLabel('Size').selectOption('Small')
  if (!javaScriptEnabled) await page.getByRole('button', { name: 'Show this choice' }).click()
  await expect(page.getByLabel('Size')).toHaveValue('Small')
  await page.getByLabel('Quantity').fill('2')
  await page.getByRole('button', { name: 'Add to cart' }).click()
  await expect(page).toHaveURL(/\/cart$/)
  await expect(page.getByRole('status')).toContainText(`Added 2 × ${title} (Small) to your cart.`)

  await page.goBack()
  await page.getByLabel('Size').selectOption('Large')
  if (!javaScriptEnabled) await page.getByRole('button', { name: 'Show this choice' }).click()
  await expect(page.getByLabel('Size')).toHaveValue('Large')
  await page.getByRole('button', { name: 'Add to cart' }).click()
  await expect(page.getByRole('status')).toContainText(`Added 1 × ${title} (Large) to your cart.`)
  await expect(page.getByRole('link', { name: /^Cart \(3\)$/ })).toBeVisible()
  await expect(page.locator('.cart-table tbody tr')).toHaveCount(2)

  await page.getByRole('link', { name: 'Check out' }).click()
  await expect(page.getByRole('heading', { name: 'Your order' })).toBeVisible()
  await page.getByLabel('Email address').fill('ada@example.com')
  await page.getByLabel('Full name').fill('Ada Lovelace')
  await page.getByLabel('Address line 1').fill('1 Marsh Lane')
  await page.getByLabel('Town or city').fill('Bristol')
  await page.getByLabel('Postcode').fill('BS1 4')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await expect(page.getByRole('alert')).toContainText('Enter a real postcode, like BS1 4DJ')
  await page.getByLabel('Postcode').fill('bs1 4dj')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()

  await expect(page).toHaveURL(/\/checkout\/delivery$/)
  await page.getByLabel(/Next working day/).check()
  await page.getByRole('button', { name: 'Continue to payment' }).click()
  await expect(page).toHaveURL(/\/checkout\/payment$/)
  await page.getByLabel(/Bank transfer/).check()
  await page.getByRole('button', { name: 'Review the order' }).click()

  await expect(page).toHaveURL(/\/checkout\/review$/)
  await expect(page.getByText('1 Marsh Lane, Bristol BS1 4DJ, United Kingdom')).toBeVisible()
  await page.getByLabel('Discount code').fill('welcome1O')
  await page.getByRole('button', { name: 'Apply the code' }).click()
  await expect(page.getByRole('alert')).toContainText('There is no discount code WELCOME1O')
  await page.getByLabel('Discount code').fill('welcome10')
  await page.getByRole('button', { name: 'Apply the code' }).click()
  await expect(page.getByRole('status')).toContainText('Code WELCOME10 is applied.')
  await expect(page.locator('.checkout-summary')).toContainText('Discount (WELCOME10)')
  const total = (await page.locator('.checkout-summary dd.summary-total').textContent())?.trim() ?? ''
  expect(total).toMatch(/^£\d+\.\d\d$/)
  // A bank transfer is placed now and paid later: the button says so, and the line above it what comes next.
  await expect(
    page.getByText(`You will get our bank details on the next page and by email, to pay ${total}`),
  ).toBeVisible()
  await page.getByRole('button', { name: 'Place order', exact: true }).click()

  // The demo shop's own eight orders are #1001 to #1008 (src/modules/demo/demo-orders.seed.ts).
  await expect(page).toHaveURL(/\/orders\/[\w-]{32}$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Order #1009')
  await expect(page.getByRole('heading', { name: `Please pay ${total} by bank transfer` })).toBeVisible()
  const orderUrl = page.url()

  await expect.poll(() => shop.mail.length).toBe(1)
  const mail = shop.mail[0] as (typeof shop.mail)[number]
  const link = linkIn(mail, `${shop.url}/orders/`)
  expect(link).toBe(orderUrl)
  await page.goto(link)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Order #1009')
  await expect(page.locator('.cart-table tbody tr')).toHaveCount(2)
  await page.goto('/cart')
  await expect(page.getByText('Your cart is empty.')).toBeVisible()
})

import { expect, test } from './fixtures.js'

test('a visitor reads the home page and moves around by keyboard', async ({ page }) => {
  const response = await page.goto('/')
  expect(response?.status()).toBe(200)
  await expect(page).toHaveTitle('Juniper & Pine · Goods for a slower home')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Goods for a slower home')
  await expect(page.getByRole('contentinfo')).toContainText('hello@juniper-and-pine.example')

  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to main content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#main$/)

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contact' }).click()
  await expect(page).toHaveURL(/\/contact$/)
  await expect(page.getByRole('link', { name: 'Contact', exact: true })).toHaveAttribute('aria-current', 'page')
})

test('a visitor corrects their mistakes and sends a message, twice', async ({ page, shop }) => {
  await page.goto('/contact')
  await page.getByLabel('Your name').fill('Ada Lovelace')
  await page.getByLabel('Email address').fill('ada-at-example')
  await page.getByRole('button', { name: 'Send message' }).click()

  const summary = page.getByRole('alert')
  await expect(summary).toContainText('There are 3 problems with what you entered')
  await expect(summary).toBeFocused()
  await expect(summary.getByRole('link')).toHaveText([
    'Enter an email address in the correct format, like name@example.com',
    'Enter a subject',
    'Enter your message',
  ])
  await expect(page.getByLabel('Your name')).toHaveValue('Ada Lovelace')
  await expect(page.getByLabel('Email address')).toHaveValue('ada-at-example')
  await expect(page.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('Email address').fill('ada@example.com')
  await page.getByLabel('Subject').fill('Wholesale')
  await page.getByLabel('Message').fill('Do you sell your mugs to cafés?')
  await page.getByRole('button', { name: 'Send message' }).click()

  await expect(page).toHaveURL(/\/contact$/)
  await expect(page.getByRole('status')).toHaveText(
    'Thank you, Ada Lovelace. Your message has been sent; we will reply to ada@example.com.',
  )
  await expect(page.getByLabel('Your name')).toHaveValue('')

  // Now the visitor has a session, the form carries a token tied to it, and a second message goes through.
  await expect(page.locator('input[name="_csrf"]')).toHaveCount(1)
  await page.getByLabel('Your name').fill('Ada Lovelace')
  await page.getByLabel('Email address').fill('ada@example.com')
  await page.getByLabel('Subject').fill('One more thing')
  await page.getByLabel('Message').fill('Do you ship to Ireland?')
  await page.getByRole('button', { name: 'Send message' }).click()
  await expect(page.getByRole('status')).toContainText('Thank you, Ada Lovelace.')

  // Both messages reach the shop's inbox, sent by the outbox worker, with Ada to reply to.
  await expect.poll(() => shop.mail.length).toBe(2)
  expect(shop.mail.map((m) => m.to)).toEqual([['hello@juniper-and-pine.example'], ['hello@juniper-and-pine.example']])
  expect(shop.mail[1]?.raw).toContain('Reply-To: ada@example.com')
})

test('a visitor following a broken link gets a helpful page', async ({ page }) => {
  const response = await page.goto('/a-page-that-never-was')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found')
  await page.getByRole('link', { name: 'Go to the home page' }).click()
  await expect(page).toHaveURL(/\/$/)
})

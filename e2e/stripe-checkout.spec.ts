import { readableMail } from '../src/testing/smtp.js'
import { placeGuestCardOrder } from './checkout-helpers.js'
import { expect, test } from './fixtures.js'

test.use({ withStripe: true })

test('a card order is paid on Stripe’s page and becomes paid when the signed webhook arrives', async ({
  page,
  shop,
  javaScriptEnabled,
}) => {
  const stripe = shop.stripe
  if (!stripe) throw new Error('this journey needs the Stripe stand-in')

  await page.goto('/categories/mugs')
  await page.locator('.product-card').getByRole('link', { name: 'Fern Cup' }).click()
  const total = await placeGuestCardOrder(page, {
    email: 'grace@example.com',
    name: 'Grace Hopper',
    line1: '3 Harbour Walk',
    city: 'Bristol',
    postcode: 'BS1 5TY',
  })

  // On to the payment page (here the stand-in's), through the order's own payment address.
  await expect(page).toHaveURL(new RegExp(`^${stripe.url}/c/pay/cs_test_\\w+$`))
  // The demo shop's own eight orders are #1001 to #1008 (src/modules/demo/demo-orders.seed.ts).
  await expect(page.getByText('Order 1009 for grace@example.com')).toBeVisible()
  await page.getByRole('button', { name: `Pay ${total}` }).click()

  // Back at the shop before Stripe's webhook: the order waits for it.
  await expect(page).toHaveURL(/\/orders\/[\w-]{32}\?payment=done$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Order #1009')
  await expect(page.getByRole('heading', { name: 'Thank you: Stripe is confirming your payment' })).toBeVisible()
  await expect(page.locator('.details')).toContainText('Card: pending')
  expect(shop.mail).toHaveLength(0)

  const completed = stripe.events.find((e) => e.type === 'checkout.session.completed')
  if (!completed) throw new Error('the stand-in made no payment event')
  expect(await stripe.deliver(completed)).toBe(200)
  // Stripe sends events again when unsure; the shop handles each once.
  expect(await stripe.deliver(completed)).toBe(200)

  // With JavaScript the page notices by itself; without, the shopper looks again.
  if (!javaScriptEnabled) await page.getByRole('link', { name: 'Check again' }).click()
  await expect(page.locator('.details')).toContainText('Card: paid')
  if (javaScriptEnabled) await expect(page.locator('body > [aria-live]')).toHaveText('Your payment is confirmed.')
  await expect(page.getByRole('heading', { name: /Stripe is confirming/ })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Download the invoice (PDF)' })).toBeVisible()

  await expect.poll(() => shop.mail.length).toBe(1)
  const mail = shop.mail[0]
  if (!mail) throw new Error('no mail')
  const raw = readableMail(mail)
  expect(raw).toContain('Subject: Your order #1009 at Juniper & Pine')
  expect(raw).toContain(`You have paid ${total}`)
})

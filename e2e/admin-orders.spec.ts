import type { Page } from '@playwright/test'
import { readableMail } from '../src/testing/smtp.js'
import {
  backOfficeNav,
  createBackOfficeAccount,
  createProductForSale,
  mailTo,
  signInToBackOffice,
} from './admin-helpers.js'
import { placeGuestCardOrder } from './checkout-helpers.js'
import { expect, test } from './fixtures.js'
import type { RunningShop } from './server.js'

test.use({ withStripe: true })

// A long journey: each of its twenty-odd pages is checked with axe and html-validate when it ends (about 15 s alone).
test.describe.configure({ timeout: 120_000 })

/** A guest buys one of the product by card on (the stand-in for) Stripe's page; Stripe's webhook confirms it. Returns the order number. */
async function guestBuysByCard(page: Page, shop: RunningShop, product: { title: string; path: string }) {
  const stripe = shop.stripe
  if (!stripe) throw new Error('this journey needs the Stripe stand-in')
  await page.goto(product.path)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(product.title)
  const total = await placeGuestCardOrder(page, {
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    line1: '1 Marsh Lane',
    city: 'Bristol',
    postcode: 'BS1 4DJ',
  })
  await page.getByRole('button', { name: `Pay ${total}` }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Order #\d+$/)
  const number = ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').replace(/\D/g, '')

  const completed = stripe.events.find((e) => e.type === 'checkout.session.completed')
  if (!completed) throw new Error('the stand-in made no payment event')
  expect(await stripe.deliver(completed)).toBe(200)
  await mailTo(shop, 'ada@example.com', `Your order #${number} at Juniper & Pine`)
  return { number, total }
}

test('staff find a card order, send it with a tracking number, print its packing slip and refund part of it through Stripe', async ({
  page,
  shop,
}) => {
  const staff = await createBackOfficeAccount(shop, {
    role: 'staff',
    name: 'Pat Packer',
    email: 'pat@juniper-and-pine.example',
    password: 'parcels leave at noon',
  })
  await signInToBackOffice(page, staff)
  const product = await createProductForSale(page)

  // The customer, on a browser of their own.
  await page.context().clearCookies()
  const { number, total } = await guestBuysByCard(page, shop, product)

  // Staff again.
  await page.context().clearCookies()
  await signInToBackOffice(page, staff, { codeUsed: true })
  await backOfficeNav(page).getByRole('link', { name: 'Orders' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Orders')
  await page.getByLabel('Number, email or name').fill(number)
  await page.getByRole('button', { name: 'Find orders' }).click()
  await expect(page.getByRole('table', { name: 'Orders, newest first' }).getByRole('link')).toHaveCount(1)
  await page.getByRole('link', { name: `#${number}` }).click()

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Order #${number}`)
  const details = page.locator('dl.details')
  await expect(details).toContainText('Ada Lovelace')
  await expect(details).toContainText('Card: paid')
  // Paid by card: only Stripe's webhook marks it paid, so there is nothing to mark by hand.
  await expect(page.getByRole('button', { name: /^Mark as paid/ })).toHaveCount(0)

  const slipLink = page.getByRole('link', { name: 'Packing slip (PDF)' })
  const slip = await page.request.get((await slipLink.getAttribute('href')) ?? '')
  expect(slip.status()).toBe(200)
  expect(slip.headers()['content-type']).toBe('application/pdf')
  expect((await slip.body()).subarray(0, 5).toString()).toBe('%PDF-')

  await expect(page.getByRole('heading', { name: 'Send items' })).toBeVisible()
  await expect(page.getByLabel(new RegExp(`^${product.title}.*\\(CANDLE-JUNIPER\\), 1 of 1 left to send`))).toHaveValue(
    '1',
  )
  await page.getByLabel('Carrier').fill('Royal Mail')
  await page.getByLabel('Tracking number').fill('RM123456789GB')
  await page.getByRole('button', { name: 'Send and email the customer' }).click()
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${number}$`))
  await expect(page.getByRole('status')).toHaveText(`Order #${number} is sent, and the customer is emailed.`)
  await expect(details).toContainText(': fulfilled')
  await expect(page.getByRole('heading', { name: 'Send items' })).toHaveCount(0)
  // The parcel, and the timeline's entry for it.
  await expect(
    page.getByRole('listitem').filter({ hasText: /^[\d-]+ [\d:]+: Royal Mail, tracking RM123456789GB$/ }),
  ).toBeVisible()
  await expect(
    page
      .getByRole('listitem')
      .filter({ hasText: 'fulfilled by Pat Packer: Sent 1 item by Royal Mail, tracking RM123456789GB.' }),
  ).toBeVisible()

  const shipped = readableMail(
    await mailTo(shop, 'ada@example.com', `Your order #${number} from Juniper & Pine is on its way`),
  )
  expect(shipped).toContain('Carrier: Royal Mail')
  expect(shipped).toContain('Tracking number: RM123456789GB')
  expect(shipped).toContain(`1 × ${product.title}`)

  await page.getByRole('link', { name: 'Refund…' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Refund order #${number}`)
  await expect(page.getByText(`Up to ${total} can still be refunded.`)).toBeVisible()
  // More than was paid is refused, and nothing is given back.
  await page.getByLabel('Amount (GBP)').fill('1000.00')
  await page.getByLabel('Reason').fill('The candle arrived chipped.')
  await page.getByRole('button', { name: 'Refund' }).click()
  await expect(page.getByRole('alert')).toContainText(`Refund at most ${total}`)
  await expect(page.getByLabel('Reason')).toHaveValue('The candle arrived chipped.')
  expect(shop.stripe?.refunds.size).toBe(0)

  await page.getByLabel('Amount (GBP)').fill('5.00')
  await page.getByRole('button', { name: 'Refund' }).click()
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${number}$`))
  await expect(page.getByRole('status')).toHaveText(`Refunded £5.00 of order #${number}.`)
  await expect(details).toContainText('Card: partially refunded')
  await expect(
    page.getByRole('listitem').filter({ hasText: '£5.00, succeeded: The candle arrived chipped.' }),
  ).toBeVisible()
  await expect(
    page
      .getByRole('listitem')
      .filter({ hasText: 'refunded by Pat Packer: Refunded £5.00 by Stripe: The candle arrived chipped.' }),
  ).toBeVisible()
  expect([...(shop.stripe?.refunds.values() ?? [])].map((r) => r.amount)).toEqual([500])
})

import type { Page } from '@playwright/test'

/** Where a guest has their order sent, as they type it into the checkout form. */
export interface GuestAddress {
  email: string
  name: string
  line1: string
  city: string
  postcode: string
}

/**
 * From a product's page: puts it in the cart, checks out as a guest with
 * standard delivery and card payment, and places the order, which leaves
 * for the card payment page. Returns the total the review page showed.
 */
export async function placeGuestCardOrder(page: Page, guest: GuestAddress): Promise<string> {
  await page.getByRole('button', { name: 'Add to cart' }).click()
  await page.getByRole('link', { name: 'Check out' }).click()
  await page.getByLabel('Email address').fill(guest.email)
  await page.getByLabel('Full name').fill(guest.name)
  await page.getByLabel('Address line 1').fill(guest.line1)
  await page.getByLabel('Town or city').fill(guest.city)
  await page.getByLabel('Postcode').fill(guest.postcode)
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.getByRole('button', { name: 'Continue to payment' }).click()
  await page.getByLabel(/^Card/).check()
  await page.getByRole('button', { name: 'Review the order' }).click()
  const total = (await page.locator('.checkout-summary dd.summary-total').textContent())?.trim() ?? ''
  await page.getByRole('button', { name: `Pay ${total} by card` }).click()
  return total
}

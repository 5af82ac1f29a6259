import { expect, test } from '@playwright/test'
import { type RunningShop, startShop } from './server.js'

/**
 * The API reference is Swagger UI's page, not one of the shop's, so it is
 * not held to the shop pages' HTML and accessibility checks; what it must do
 * is work in a real browser under the shop's content security policy and
 * load nothing from anywhere else.
 */
let shop: RunningShop
test.beforeAll(async () => {
  shop = await startShop()
})
test.afterAll(() => shop.stop())

test('a developer reads the API reference, served whole from the shop under its security policy', async ({ page }) => {
  const complaints: string[] = []
  const elsewhere: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') complaints.push(message.text())
  })
  page.on('pageerror', (error) => complaints.push(String(error)))
  page.on('request', (request) => {
    if (!request.url().startsWith(shop.url) && !request.url().startsWith('data:')) elsewhere.push(request.url())
  })

  await page.goto(`${shop.url}/api/v1/docs`)
  await expect(page.getByRole('heading', { name: /Shopfront API/ })).toBeVisible()
  await expect(page.getByText('/api/v1/categories', { exact: true })).toBeVisible()
  await page.getByText('/api/v1/categories', { exact: true }).click()
  await expect(page.getByText('Every category, each after its parent', { exact: false }).first()).toBeVisible()

  expect(complaints).toEqual([])
  expect(elsewhere).toEqual([])
})

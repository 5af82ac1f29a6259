import { linkIn } from '../src/testing/smtp.js'
import { expect, test } from './fixtures.js'

test('a shopper signs up, confirms their address from the email, signs out and signs in again', async ({
  page,
  shop,
}) => {
  await page.goto('/')
  await page.getByRole('link', { name: 'Sign in' }).click()
  await page.getByRole('link', { name: 'Create an account' }).click()

  await page.getByLabel('Your name').fill('Grace Hopper')
  await page.getByLabel('Email address').fill('grace@example.com')
  await page.getByLabel('Password').fill('password')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('alert')).toContainText('This password is one of the most common ones')
  await expect(page.getByLabel('Password')).toHaveValue('')

  await page.getByLabel('Password').fill('compilers are a lot of fun')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/login$/)
  await expect(page.getByRole('status')).toContainText('We have sent an email to grace@example.com.')

  await expect.poll(() => shop.mail.length).toBe(1)
  const link = linkIn(shop.mail[0] as (typeof shop.mail)[number], `${shop.url}/verify-email?token=`)
  await page.goto(link)
  await page.getByRole('button', { name: 'Confirm my email address' }).click()
  await expect(page.getByRole('status')).toContainText('grace@example.com is confirmed.')

  await page.getByLabel('Email address').fill('grace@example.com')
  await page.getByLabel('Password').fill('compilers are a lot of fun')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account')
  await expect(page.getByText('confirmed', { exact: true })).toBeVisible()

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login\?signed_out=1$/)
  await expect(page.getByRole('status')).toHaveText('You have signed out.')
  await page.goto('/account')
  await expect(page).toHaveURL(/\/login\?next=%2Faccount$/)

  await page.getByLabel('Email address').fill('grace@example.com')
  await page.getByLabel('Password').fill('compilers are a lot of fun')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByRole('status')).toHaveText('Welcome back, Grace Hopper.')
})

import type { Page } from '@playwright/test'
import { currentTotpCode } from '../src/modules/accounts/totp.js'
import { linkIn } from '../src/testing/smtp.js'
import { expect, test } from './fixtures.js'

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

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

  // Forgotten password: ask for a link, choose a new password, sign in with it.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('status')).toHaveText('You have signed out.')
  await page.getByRole('link', { name: 'Forgot your password?' }).click()
  await page.getByLabel('Email address').fill('grace@example.com')
  await page.getByRole('button', { name: 'Send me a link' }).click()
  await expect(page.getByRole('status')).toContainText('If grace@example.com has an account with us')
  await expect.poll(() => shop.mail.length).toBe(2)
  await page.goto(linkIn(shop.mail[1] as (typeof shop.mail)[number], `${shop.url}/reset-password?token=`))
  await page.getByLabel('New password').fill('nanoseconds are short')
  await page.getByRole('button', { name: 'Change my password' }).click()
  await expect(page.getByRole('status')).toHaveText('Your password has been changed. Sign in with your new password.')
  await signIn(page, 'grace@example.com', 'compilers are a lot of fun')
  await expect(page.getByRole('alert')).toContainText('The email address or password is not right')
  await signIn(page, 'grace@example.com', 'nanoseconds are short')
  await expect(page).toHaveURL(/\/account$/)
})

test('the owner sets up two-factor sign-in, then signs in with a code from the app', async ({ page }) => {
  await page.goto('/admin')
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin$/)
  await signIn(page, 'owner@juniper-and-pine.example', 'juniper owner demo')
  await expect(page).toHaveURL(/\/account\/two-factor$/)
  await expect(page.getByRole('alert')).toContainText('Set up two-factor sign-in before you use the back office.')
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible()
  const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '')
  await page.getByLabel('Code from the app').fill(currentTotpCode(secret))
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your recovery codes')
  await expect(page.locator('.recovery-codes li')).toHaveCount(10)
  await page.getByRole('link', { name: 'I have saved them' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account')

  await page.goto('/admin')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard')
  await page.getByRole('link', { name: 'View the shop' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  // Every page is read before the next one is opened, as a person would (the fixture checks each one).
  await expect(page.getByRole('status')).toHaveText('You have signed out.')

  await page.goto('/admin')
  await signIn(page, 'owner@juniper-and-pine.example', 'juniper owner demo')
  await expect(page).toHaveURL(/\/login\/two-factor$/)
  // The code used a moment ago cannot be used again; the next one is accepted.
  await page.getByLabel('Code').fill(currentTotpCode(secret, Date.now() + 30_000))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/admin$/)
  await expect(page.getByText('Signed in as Olive Owner (owner).')).toBeVisible()
})

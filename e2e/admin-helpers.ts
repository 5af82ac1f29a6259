import type { Page } from '@playwright/test'
import sharp from 'sharp'
import { createDb, type Db } from '../src/db/connection.js'
import type { Role } from '../src/db/schema.js'
import { nowIso } from '../src/lib/time.js'
import { hashPassword } from '../src/modules/accounts/password.js'
import { currentTotpCode, generateTotpSecret } from '../src/modules/accounts/totp.js'
import { findUserByEmail, insertUser, updateUser } from '../src/modules/accounts/users.repository.js'
import { type ReceivedMail, readableMail } from '../src/testing/smtp.js'
import { expect } from './fixtures.js'
import type { RunningShop } from './server.js'

/** Someone who can sign in to the back office: their password and the secret their authenticator app holds. */
export interface BackOfficeAccount {
  email: string
  name: string
  password: string
  totpSecret: string
}

// Far cheaper than the shop's own cost; the stored hash says which was used, and the shop upgrades it on sign-in.
const CHEAP_SCRYPT = { ln: 10, r: 8, p: 1 }

/** A second connection to the journey's shop database, closed after `fn`: the shop itself serves meanwhile. */
export async function withShopDb<T>(shop: RunningShop, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(shop.database)
  try {
    return await fn(db)
  } finally {
    await db.destroy()
  }
}

/** A staff member (or owner) with a confirmed address and two-factor sign-in already set up, straight into the database. */
export async function createBackOfficeAccount(
  shop: RunningShop,
  options: { role: Exclude<Role, 'customer'>; name: string; email: string; password: string },
): Promise<BackOfficeAccount> {
  const totpSecret = generateTotpSecret()
  const now = nowIso()
  await withShopDb(shop, async (db) =>
    insertUser(db, {
      email: options.email,
      name: options.name,
      password_hash: await hashPassword(options.password, CHEAP_SCRYPT),
      role: options.role,
      email_verified_at: now,
      totp_secret: totpSecret,
      totp_enabled_at: now,
      created_at: now,
      updated_at: now,
    }),
  )
  return { email: options.email, name: options.name, password: options.password, totpSecret }
}

/** The demo shop's owner, as the seed made them, with two-factor sign-in set up as if done earlier. */
export async function demoOwnerWithTwoFactor(shop: RunningShop): Promise<BackOfficeAccount> {
  const owner = {
    email: 'owner@juniper-and-pine.example',
    name: 'Olive Owner',
    password: 'juniper owner demo',
    totpSecret: generateTotpSecret(),
  }
  await withShopDb(shop, async (db) => {
    const user = await findUserByEmail(db, owner.email)
    if (!user) throw new Error('the demo seed made no owner')
    const now = nowIso()
    await updateUser(db, user.id, { totp_secret: owner.totpSecret, totp_enabled_at: now, updated_at: now })
  })
  return owner
}

/**
 * A code from the authenticator app that the shop has not seen yet. A code
 * works once: someone who signs in again within the same 30 seconds (or who
 * just set two-factor up) types the next one, which the shop also accepts.
 */
export function freshTotpCode(secret: string, alreadyUsed = false): string {
  return currentTotpCode(secret, alreadyUsed ? Date.now() + 30_000 : Date.now())
}

/** From any page: open the back office, sign in with the password and then a code from the app. */
export async function signInToBackOffice(page: Page, account: BackOfficeAccount, options: { codeUsed?: boolean } = {}) {
  await page.goto('/admin')
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin$/)
  await page.getByLabel('Email address').fill(account.email)
  await page.getByLabel('Password', { exact: true }).fill(account.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/login\/two-factor$/)
  await page.getByLabel('Code').fill(freshTotpCode(account.totpSecret, options.codeUsed))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/admin$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard')
}

/** The back office's own navigation (not the page's other links). */
export function backOfficeNav(page: Page) {
  return page.getByRole('navigation', { name: 'Back office' })
}

/** Waits for the shop to send an email to `to` with `subject` in it, and returns it. */
export async function mailTo(shop: RunningShop, to: string, subject: string): Promise<ReceivedMail> {
  const matches = (mail: ReceivedMail) => mail.to.includes(to) && readableMail(mail).includes(subject)
  await expect.poll(() => shop.mail.some(matches), { message: `an email to ${to} about “${subject}”` }).toBe(true)
  return shop.mail.find(matches) as ReceivedMail
}

/**
 * Staff, signed in, create the product the customer buys through the back
 * office: two sizes, a picture, published, and then seen in the shop.
 * Returns the title the shop shows and the product page's address.
 */
export async function createProductForSale(page: Page): Promise<{ title: string; path: string }> {
  const title = 'Juniper Candle'
  await backOfficeNav(page).getByRole('link', { name: 'Products' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Products')
  await page.getByRole('link', { name: 'New product' }).click()
  await page.getByLabel('Title', { exact: true }).fill(title)
  await page.getByLabel(/^Description \(optional\)$/).fill('Hand-poured, with a scent of *juniper* and pine.')
  await page.getByRole('button', { name: 'Preview the description' }).click()
  await expect(page.locator('.description-preview em')).toHaveText('juniper')
  await page.getByLabel('Option 1', { exact: true }).fill('Size')
  for (const [n, size, sku, price, stock] of [
    [1, 'Small', 'CANDLE-JUNIPER', '24.00', '10'],
    [2, 'Large', 'CANDLE-JUNIPER-L', '36.00', '4'],
  ] as const) {
    // Before the first save the option's column is still called "Option 1".
    await page.getByLabel(`Option 1 of variant ${n}`, { exact: true }).fill(size)
    await page.getByLabel(`SKU of variant ${n}`, { exact: true }).fill(sku)
    await page.getByLabel(`Price of variant ${n}`, { exact: true }).fill(price)
    await page.getByLabel(`Stock of variant ${n}`, { exact: true }).fill(stock)
  }
  await page.getByRole('button', { name: 'Save the product' }).click()
  await expect(page.getByRole('status')).toContainText('The product is saved as a draft')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  await expect(page.getByLabel('SKU of variant 2', { exact: true })).toHaveValue('CANDLE-JUNIPER-L')

  await page.getByRole('link', { name: 'Pictures' }).click()
  await page.getByLabel('Alt text', { exact: true }).fill('A juniper candle in a green glass jar')
  const picture = await sharp({
    create: { width: 800, height: 600, channels: 3, background: { r: 40, g: 90, b: 60 } },
  })
    .jpeg()
    .toBuffer()
  await page
    .getByLabel('Pictures', { exact: true })
    .setInputFiles({ name: 'candle.jpg', mimeType: 'image/jpeg', buffer: picture })
  await page.getByRole('button', { name: 'Upload the pictures' }).click()
  await expect(page.getByRole('img', { name: 'A juniper candle in a green glass jar' })).toBeVisible()

  await page.getByRole('link', { name: `Back to ${title}` }).click()
  await page.getByRole('button', { name: 'Publish' }).click()
  await expect(page.getByRole('status')).toContainText('The product is published')
  await page.getByRole('link', { name: 'See it in the shop' }).click()
  await expect(page).toHaveURL(/\/products\/juniper-candle$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  await expect(page.getByRole('img', { name: 'A juniper candle in a green glass jar' }).first()).toBeVisible()
  await expect(page.getByLabel('Size')).toBeVisible()
  return { title, path: '/products/juniper-candle' }
}

import { linkIn, readableMail } from '../src/testing/smtp.js'
import {
  type BackOfficeAccount,
  backOfficeNav,
  demoOwnerWithTwoFactor,
  freshTotpCode,
  mailTo,
  signInToBackOffice,
} from './admin-helpers.js'
import { expect, test } from './fixtures.js'

// A long journey: each of its pages is checked with axe and html-validate when it ends.
test.describe.configure({ timeout: 120_000 })

test('the owner invites a staff member, who joins from the email, sets up two-factor sign-in and sees only staff pages', async ({
  page,
  shop,
}) => {
  const owner = await demoOwnerWithTwoFactor(shop)
  await signInToBackOffice(page, owner)
  await expect(backOfficeNav(page).getByRole('link', { name: 'Staff' })).toBeVisible()

  await backOfficeNav(page).getByRole('link', { name: 'Staff' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff')
  // A customer's address is already an account: the owner is told, and the form keeps what was typed.
  await page.getByLabel('Their email address').fill('casey@example.com')
  await page.getByRole('button', { name: 'Send the invitation' }).click()
  await expect(page.getByRole('alert')).toContainText('There is already an account with this address')
  await expect(page.getByLabel('Their email address')).toHaveValue('casey@example.com')

  await page.getByLabel('Their email address').fill('sam@example.com')
  await page.getByLabel('As').selectOption('staff')
  await page.getByRole('button', { name: 'Send the invitation' }).click()
  await expect(page).toHaveURL(/\/admin\/staff$/)
  await expect(page.getByRole('status')).toHaveText('The invitation is on its way. Its link works for a week.')
  await expect(page.getByRole('listitem').filter({ hasText: 'sam@example.com as staff' })).toBeVisible()

  const invitation = await mailTo(shop, 'sam@example.com', 'invites you to the back office of Juniper & Pine')
  expect(readableMail(invitation)).toContain('Olive Owner invites you to join Juniper & Pine as staff.')
  const link = linkIn(invitation, `${shop.url}/invitation?token=`)

  // The invitee is someone else, on a browser of their own.
  await page.context().clearCookies()
  await page.goto(link)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join the staff')
  await expect(
    page.getByText('You are invited to the back office as staff, with the address sam@example.com.'),
  ).toBeVisible()
  await page.getByLabel('Your name').fill('Sam Staff')
  await page.getByLabel('Password').fill('short')
  await page.getByRole('button', { name: 'Create my account' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await expect(page.getByLabel('Your name')).toHaveValue('Sam Staff')
  await expect(page.getByLabel('Password')).toHaveValue('')
  await page.getByLabel('Password').fill('parcels leave at noon')
  await page.getByRole('button', { name: 'Create my account' }).click()

  await expect(page).toHaveURL(/\/account\/two-factor$/)
  await expect(page.getByRole('status')).toHaveText(
    'Welcome, Sam Staff. Set up two-factor sign-in to open the back office.',
  )
  // The back office stays shut until two-factor sign-in is on.
  await page.goto('/admin')
  await expect(page).toHaveURL(/\/account\/two-factor$/)
  await expect(page.getByRole('alert')).toContainText('Set up two-factor sign-in before you use the back office.')
  const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '')
  await page.getByLabel('Code from the app').fill(freshTotpCode(secret))
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your recovery codes')
  await page.getByRole('link', { name: 'I have saved them' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('status')).toHaveText('You have signed out.')

  const sam: BackOfficeAccount = {
    email: 'sam@example.com',
    name: 'Sam Staff',
    password: 'parcels leave at noon',
    totpSecret: secret,
  }
  await signInToBackOffice(page, sam, { codeUsed: true })
  await expect(page.getByText('Signed in as Sam Staff (staff).')).toBeVisible()
  const nav = backOfficeNav(page)
  await expect(nav.getByRole('link', { name: 'Orders' })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0)
  await expect(nav.getByRole('link', { name: 'Staff' })).toHaveCount(0)
})

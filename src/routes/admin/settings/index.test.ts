import { afterEach, describe, expect } from 'vitest'
import { smtpTransport } from '../../../modules/mail/mail.transport.js'
import { deliverDueEmails } from '../../../modules/mail/mail.worker.js'
import { getShopSettings } from '../../../modules/settings/settings.service.js'
import { mailWorkerOptions } from '../../../plugins/mail.js'
import { shopTest } from '../../../testing/fixtures.js'
import { htmlErrors } from '../../../testing/html.js'
import { csrfTokenIn, postForm, SAME_ORIGIN } from '../../../testing/http.js'
import { storeSettingValues } from '../../../testing/settings.js'
import { startSmtpServer, type TestSmtpServer } from '../../../testing/smtp.js'

/** The settings form sent by an owner as the page fills it, with `changes`; several values of a field are sent as a browser does. */
const it = shopTest.extend('save', async ({ shop, owner }) => async (changes: Record<string, string | string[]>) => {
  const s = await getShopSettings(shop.db)
  const fields: Record<string, string | string[]> = {
    shopName: s.shopName,
    tagline: s.tagline,
    contactEmail: s.contactEmail,
    contactPhone: s.contactPhone,
    address: s.address,
    currency: s.currency,
    locale: s.locale,
    country: s.country,
    pricesIncludeTax: s.pricesIncludeTax ? 'yes' : 'no',
    paymentMethods: s.paymentMethods,
    bankDetails: s.bankDetails,
    bankTransferReminderDays: String(s.bankTransferReminderDays),
    bankTransferCancelDays: String(s.bankTransferCancelDays),
    metaDescription: s.metaDescription,
    homeHeading: s.homeHeading,
    homeIntro: s.homeIntro,
    mailFromName: s.mailFromName,
    mailFromAddress: s.mailFromAddress,
    ...changes,
    _csrf: csrfTokenIn((await owner.get('/contact')).body) ?? '',
  }
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v)
  return shop.app.inject({
    method: 'POST',
    url: '/admin/settings',
    payload: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SAME_ORIGIN, cookie: owner.cookie },
  })
})

describe('settings in the back office', () => {
  let smtp: TestSmtpServer | undefined
  afterEach(async () => {
    await smtp?.close()
    smtp = undefined
  })

  it('shows the settings and saves the changed ones, which the shop uses at once', async ({ shop, owner, save }) => {
    const page = await owner.get('/admin/settings')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('value="Juniper &amp; Pine"')
    expect(await htmlErrors(page.body)).toEqual([])
    const saved = await save({ shopName: 'Juniper & Pine Bristol', paymentMethods: ['pay_on_pickup', 'bank_transfer'] })
    expect(saved.statusCode).toBe(303)
    const after = await getShopSettings(shop.db)
    expect(after.shopName).toBe('Juniper & Pine Bristol')
    // Kept in the shop's own order whatever order the form sent.
    expect(after.paymentMethods).toEqual(['bank_transfer', 'pay_on_pickup'])
    expect((await shop.app.inject({ url: '/' })).body).toContain('Juniper &amp; Pine Bristol')
    const [entry] = await shop.db
      .selectFrom('activity_log')
      .select(['summary', 'changes'])
      .where('action', '=', 'settings.updated')
      .execute()
    expect(entry?.summary).toBe('Changed the shop’s settings: shopName, paymentMethods')
    expect(JSON.parse(entry?.changes ?? '{}').shopName).toEqual(['Juniper & Pine', 'Juniper & Pine Bristol'])
    expect((await save({})).statusCode).toBe(303)
    expect(
      await shop.db.selectFrom('activity_log').select('id').where('action', '=', 'settings.updated').execute(),
    ).toHaveLength(1)
  })

  it('answers each mistake with its message and changes nothing', async ({ shop, save }) => {
    for (const [changes, message] of [
      [{ shopName: '' }, 'Enter the shop’s name'],
      [{ currency: 'XYZ' }, 'Choose the shop’s currency from the list'],
      // Known to Intl, but no longer anybody's money.
      [{ currency: 'DEM' }, 'Choose the shop’s currency from the list'],
      [{ locale: 'tlh-Latn' }, 'Choose a language and region from the list'],
      [{ locale: 'not a tag' }, 'Choose a language and region from the list'],
      [{ country: 'ZZ' }, 'Choose the shop’s country from the list'],
      [{ country: 'EU' }, 'Choose the shop’s country from the list'],
      [{ contactEmail: 'nope' }, 'Enter an email address like hello@example.com'],
      [{ paymentMethods: [] }, 'Offer at least one way to pay'],
      [{ paymentMethods: ['bank_transfer'], bankDetails: '' }, 'Give the bank details'],
      [{ bankTransferReminderDays: '7', bankTransferCancelDays: '5' }, 'Cancel after the reminder'],
      [{ pricesIncludeTax: 'maybe' }, 'Say whether prices include tax'],
      [{ mailFromAddress: 'shop at example' }, 'Enter the sender’s address like shop@example.com'],
      [{ mailFromAddress: 'Shop <shop@example.com>' }, 'Enter the sender’s address like shop@example.com'],
      [{ mailFromName: 'Juniper\r\nBcc: everyone@example.com' }, 'Keep the sender’s name on one line'],
    ] as const) {
      const response = await save(changes as Record<string, string | string[]>)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
    }
    expect(await shop.db.selectFrom('activity_log').select('id').execute()).toEqual([])
  })

  it('offers the currency, the language and the country as lists with names, the shop’s own chosen', async ({
    shop,
    owner,
    save,
  }) => {
    const page = await owner.get('/admin/settings')
    const select = (name: string) =>
      new RegExp(`<select id="f-${name}" name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(page.body)?.[1] ?? ''
    expect(select('currency')).toMatch(/<option value="GBP" selected>British Pound \(GBP\)<\/option>/)
    expect(select('currency')).toContain('<option value="EUR">Euro (EUR)</option>')
    expect(select('locale')).toMatch(/<option value="en-GB" selected>English \(United Kingdom\) — en-GB<\/option>/)
    expect(select('locale')).toContain('<option value="de-AT">German (Austria) — de-AT</option>')
    expect(select('country')).toMatch(/<option value="GB" selected>United Kingdom<\/option>/)
    expect(select('country').match(/<option /g)).toHaveLength(249)
    expect(page.body).not.toMatch(/<input id="f-(currency|locale|country)"/)

    const saved = await save({ currency: 'EUR', locale: 'de-at', country: 'AT' })
    expect(saved.statusCode).toBe(303)
    expect(await getShopSettings(shop.db)).toMatchObject({ currency: 'EUR', locale: 'de-AT', country: 'AT' })
    // The shop's pages write amounts the new way at once.
    expect((await owner.get('/admin')).body).toMatch(/€\s0,00/)
  })

  it('shows a value from before the lists as "choose one", never silently as the list’s first', async ({
    shop,
    owner,
    save,
  }) => {
    await storeSettingValues(shop.db, { locale: JSON.stringify('en-150') })
    const page = await owner.get('/admin/settings')
    expect(page.body).toMatch(
      /<select id="f-locale" name="locale"[^>]*>\s*<option value="">Choose a language and region<\/option>/,
    )
    expect(page.body).not.toMatch(/<option value="[^"]+" selected>[^<]*— /)
    const response = await save({ locale: '' })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Choose a language and region from the list')
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('links the tax and shipping pages beside the form', async ({ owner }) => {
    const page = await owner.get('/admin/settings')
    expect(page.body).toMatch(/<a href="\/admin\/settings" aria-current="page">General<\/a>/)
    expect(page.body).toContain('<a href="/admin/settings/tax">Tax</a>')
    expect(page.body).toContain('<a href="/admin/settings/shipping">Shipping</a>')
  })

  it('sends email from the sender set in the Email section, and from the shop’s name and MAIL_FROM when it is empty', async ({
    shop,
    owner,
    save,
  }) => {
    smtp = await startSmtpServer()
    const deliver = () =>
      deliverDueEmails({
        ...mailWorkerOptions(shop.config, shop.db),
        transport: smtpTransport((smtp as TestSmtpServer).url),
      })
    const contact = {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      subject: 'Wholesale',
      message: 'Do you sell to shops?',
    }

    expect((await postForm(shop.app, '/contact', contact)).statusCode).toBe(303)
    await deliver()
    expect(smtp.received.at(-1)?.raw).toContain('From: "Juniper & Pine" <shop@example.com>')

    const page = await owner.get('/admin/settings')
    expect(page.body).toContain('<legend><h2>Email</h2></legend>')
    expect(page.body).toContain('empty: shop@example.com')
    expect(
      (await save({ mailFromName: 'Olive at Juniper', mailFromAddress: 'olive@juniper-and-pine.example' })).statusCode,
    ).toBe(303)
    expect(await getShopSettings(shop.db)).toMatchObject({
      mailFromName: 'Olive at Juniper',
      mailFromAddress: 'olive@juniper-and-pine.example',
    })
    expect((await postForm(shop.app, '/contact', contact)).statusCode).toBe(303)
    await deliver()
    expect(smtp.received.at(-1)?.from).toBe('olive@juniper-and-pine.example')
    expect(smtp.received.at(-1)?.raw).toContain('From: Olive at Juniper <olive@juniper-and-pine.example>')
  })
})

import { describe, expect } from 'vitest'
import { enqueueEmail } from '../../modules/mail/mail.service.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { shopTest as it } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'
import { changeEmails } from '../../testing/mail.js'

describe('the outbox in the back office', () => {
  it('lists sent and failed emails, shows one, and sends it again as a new entry', async ({
    shop,
    staff: { get, post },
  }) => {
    const shop_ = await getShopSettings(shop.db)
    const email = (to: string) =>
      enqueueEmail(shop.db, {
        template: 'contact-message',
        to,
        subject: `Hello ${to}`,
        data: { message: { name: 'Ada', email: 'ada@example.com', subject: 'Hi', message: 'A message' } },
        shop: shop_,
        baseUrl: 'http://localhost',
      })
    const sent = await email('sent@example.com')
    const failed = await email('failed@example.com')
    await changeEmails(shop.db, { status: 'sent', sent_at: new Date().toISOString() }, sent.id)
    await changeEmails(shop.db, { status: 'failed', last_error: '550 mailbox unavailable' }, failed.id)

    const all = await get('/admin/outbox')
    expect(all.body).toContain('Hello sent@example.com')
    expect(all.body).toContain('failed: 550 mailbox unavailable')
    expect(await htmlErrors(all.body)).toEqual([])
    const onlyFailed = await get('/admin/outbox?status=failed')
    expect(onlyFailed.body).not.toContain('Hello sent@example.com')
    expect((await get('/admin/outbox?status=lost')).statusCode).toBe(422)

    const page = await get(`/admin/outbox/${failed.id}`)
    expect(page.body).toContain('A message')
    expect(await htmlErrors(page.body)).toEqual([])
    const resent = await post(`/admin/outbox/${failed.id}/resend`)
    expect(resent.statusCode).toBe(303)
    const rows = await shop.db
      .selectFrom('outbox_emails')
      .select(['id', 'to_address', 'status', 'text'])
      .where('to_address', 'in', ['sent@example.com', 'failed@example.com'])
      .orderBy('id')
      .execute()
    expect(rows).toHaveLength(3)
    expect(rows[2]).toMatchObject({ to_address: 'failed@example.com', status: 'pending', text: rows[1]?.text })
    expect(rows[1]?.status).toBe('failed')
    expect(resent.headers.location).toBe(`/admin/outbox/${rows[2]?.id}`)
    expect((await get('/admin/outbox/999')).statusCode).toBe(404)
    expect((await post('/admin/outbox/999/resend')).statusCode).toBe(404)
  })
})

import { describe, expect } from 'vitest'
import type { Db } from '../../db/connection.js'
import { shopTest as it } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'

describe('discount codes in the back office', () => {
  const byCode = (db: Db, code: string) =>
    db.selectFrom('discount_codes').selectAll().where('code', '=', code).executeTakeFirst()
  const valid = {
    code: 'summer-25',
    kind: 'percentage',
    value: '25',
    starts: '2026-06-01',
    ends: '2026-08-31',
    usage_limit: '100',
  }

  it('creates a code from the form, as the checkout reads it', async ({ shop, staff: { get, post } }) => {
    const form = await get('/admin/discounts/new')
    expect(form.statusCode).toBe(200)
    expect(await htmlErrors(form.body)).toEqual([])
    const created = await post('/admin/discounts', valid)
    expect(created.statusCode).toBe(303)
    expect(await byCode(shop.db, 'SUMMER-25')).toMatchObject({
      kind: 'percentage',
      value: 2500,
      starts_at: '2026-06-01T00:00:00.000Z',
      ends_at: '2026-08-31T23:59:59.999Z',
      usage_limit: 100,
      per_customer_limit: null,
      category_id: null,
    })
    const list = await get('/admin/discounts')
    expect(list.body).toContain('SUMMER-25')
    expect(list.body).toContain('WELCOME10')
    expect(await htmlErrors(list.body)).toEqual([])
  })

  it('answers each mistake with its message and stores nothing', async ({ shop, staff: { post } }) => {
    for (const [fields, message] of [
      [{ ...valid, code: 'x' }, 'A code is 3 to 40 letters, digits, - or _'],
      [{ ...valid, code: 'welcome10' }, 'There is a code with that name already'],
      [{ ...valid, value: '150' }, 'Enter a percentage from 1 to 100, like 10'],
      [{ ...valid, kind: 'fixed', value: 'five' }, 'Enter the amount to take off, like 5.00'],
      [{ ...valid, ends: '2026-05-01' }, 'The last day must not be before the first'],
      [{ ...valid, starts: 'June' }, 'The first day must be a date like 2026-12-24'],
      [{ ...valid, usage_limit: '0' }, 'The total number of uses must be a whole number of 1 or more'],
      [{ ...valid, category_id: '99999' }, 'Choose a category from the list'],
      [{ ...valid, kind: 'everything' }, 'Choose what the code takes off'],
    ] as const) {
      const response = await post('/admin/discounts', fields)
      expect(response.statusCode, message).toBe(422)
      expect(response.body).toContain(message)
    }
    expect(await byCode(shop.db, 'SUMMER-25')).toBeUndefined()
  })

  it('edits a code, logging before → after, and ends it after asking', async ({ shop, staff: { get, post } }) => {
    await post('/admin/discounts', valid)
    const id = (await byCode(shop.db, 'SUMMER-25'))?.id as number
    const page = await get(`/admin/discounts/${id}`)
    expect(page.body).toContain('value="SUMMER-25"')
    expect(page.body).toContain('value="25"')
    expect(await htmlErrors(page.body)).toEqual([])
    await post(`/admin/discounts/${id}`, { ...valid, value: '30' })
    expect((await byCode(shop.db, 'SUMMER-25'))?.value).toBe(3000)
    const [entry] = await shop.db
      .selectFrom('activity_log')
      .select('changes')
      .where('action', '=', 'discount.updated')
      .execute()
    expect(JSON.parse(entry?.changes ?? '{}')).toEqual({ value: [2500, 3000] })

    expect((await get(`/admin/discounts/${id}/ending`)).body).toContain('End the code SUMMER-25?')
    await post(`/admin/discounts/${id}/ending`)
    const ended = await byCode(shop.db, 'SUMMER-25')
    expect(Date.parse(ended?.ends_at ?? '')).toBeLessThanOrEqual(Date.now())
    expect((await get(`/admin/discounts/${id}`)).body).toContain('<strong>Ended</strong>')
    expect((await get('/admin/discounts/99999')).statusCode).toBe(404)
  })
})

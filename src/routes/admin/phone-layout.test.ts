import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { markOrderPaid } from '../../modules/orders/order-changes.js'
import { type StaffSession, staffSession } from '../../testing/admin.js'
import { buildTestApp, type TestShop } from '../../testing/app.js'
import { createTestProduct } from '../../testing/catalogue.js'
import { createUser } from '../../testing/factories.js'
import { htmlErrors } from '../../testing/html.js'
import { placeTestOrder } from '../../testing/orders.js'

/** The visible text of a header cell: tags, and text only screen readers get, left out. */
const headerText = (html: string) =>
  html
    .replace(/<span class="visually-hidden">[^<]*<\/span>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .trim()

/**
 * The tables of a page that do not stack on a phone, and the cells of those
 * that do whose data-label (the name the CSS writes before the cell once the
 * header row is out of sight) is not their column's.
 */
function tableProblems(html: string): string[] {
  const problems: string[] = []
  for (const [table = '', classes = '', body = ''] of html.matchAll(/<table class="([^"]*)">([\s\S]*?)<\/table>/g)) {
    if (!classes.split(' ').includes('table-stack')) {
      problems.push(`a table that does not stack: ${table.slice(0, 120)}`)
      continue
    }
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(body)?.[1] ?? ''
    const headers = [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map(([, text = '']) => headerText(text))
    const rows = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? ''
    for (const [, row = ''] of rows.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
      const cells = [...row.matchAll(/<(td|th)(\s[^>]*)?>([\s\S]*?)<\/\1>/g)]
      if (cells.length !== headers.length)
        problems.push(`a row of ${cells.length} cells under ${headers.length} headers`)
      cells.forEach(([, tag, attributes = '', content = ''], i) => {
        if (tag === 'th') return
        const label = /data-label="([^"]*)"/.exec(attributes)?.[1]?.replace(/&amp;/g, '&')
        const expected = headers[i] || undefined
        // data-label="" is a cell left unnamed on purpose: it reads under its row's own header.
        // An empty cell (no Remove box for a variant not saved yet) needs no name either.
        if (label === '' && (row.includes('<th scope="row"') || content.trim() === '')) return
        if ((label || undefined) !== expected) problems.push(`a cell labelled ${label} under ${expected}`)
      })
    }
  }
  return problems
}

describe('the back office on a phone', () => {
  let shop: TestShop
  let owner: StaffSession
  const pages: string[] = []

  beforeAll(async () => {
    shop = await buildTestApp()
    owner = await staffSession(shop, { role: 'owner' })
    await createUser(shop.db, { role: 'staff', name: 'Sam Staff' })
    const customer = await createUser(shop.db, { name: 'Casey Customer' })
    const product = await createTestProduct(shop.db, {
      title: 'Heather Mug',
      variants: [{ sku: 'MUG', price: 1800, stock: 9 }],
    })
    const variant = (await shop.db.selectFrom('variants').select('id').executeTakeFirstOrThrow()).id
    const order = await placeTestOrder(shop.db, variant, { token: 'a', userId: customer.id })
    await markOrderPaid(shop.db, order.id, { actorUserId: owner.user.id, baseUrl: 'http://localhost' })
    const discount = (await shop.db.selectFrom('discount_codes').select('id').executeTakeFirstOrThrow()).id
    const email = (await shop.db.selectFrom('outbox_emails').select('id').executeTakeFirstOrThrow()).id
    pages.push(
      '/admin',
      '/admin/orders',
      `/admin/orders/${order.number}`,
      '/admin/products',
      `/admin/variants/${variant}`,
      '/admin/products/imports/new',
      '/admin/customers',
      `/admin/customers/${customer.id}`,
      '/admin/discounts',
      `/admin/discounts/${discount}`,
      '/admin/outbox',
      `/admin/outbox/${email}`,
      '/admin/activity',
      '/admin/security-log',
      '/admin/staff',
      '/admin/settings/tax',
      '/admin/settings/shipping/uk',
    )
    // The product form's variants table stacks too; its attributes (two inputs a row) fit as they are.
    pages.push(`/admin/products/${product}`)
  })
  afterAll(() => shop.close())

  it('turns every list’s table into one block a row on a phone, each cell named after its column', async () => {
    for (const url of pages) {
      const page = await owner.get(url)
      expect(page.statusCode, url).toBe(200)
      const html = page.body.replace(
        /<table class="table">\s*<thead><tr><th scope="col">Name<\/th><th scope="col">Value<\/th>[\s\S]*?<\/table>/,
        '',
      )
      expect(tableProblems(html), url).toEqual([])
      expect(await htmlErrors(page.body), url).toEqual([])
    }
  })
})

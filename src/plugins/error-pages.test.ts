import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { postForm } from '../testing/http.js'

const message = { name: 'Ada', email: 'ada@example.com', subject: 'Hello', message: 'A message long enough.' }

/** Nothing of the machinery behind a failure may reach a response. */
function expectNoInternals(body: string) {
  expect(body).not.toMatch(/sqlite|SQL|select |insert into|no such table/i)
  expect(body).not.toMatch(/\/work\/|node_modules|\.ts:\d|at [\w.]+ \(/)
}

describe('error pages', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('renders 404 in the shop layout, kept out of search results', async () => {
    shop = await buildTestApp()
    const response = await shop.app.inject({ url: '/no-such-page' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('<h1>Page not found</h1>')
    expect(response.body).toContain('Juniper &amp; Pine')
    expect(response.body).toContain('<meta name="robots" content="noindex,follow">')
    expect(response.body).not.toContain('rel="canonical"')
  })

  it('answers 404 for a route with the wrong method', async () => {
    shop = await buildTestApp()
    const response = await shop.app.inject({
      method: 'DELETE',
      url: '/contact',
      headers: { origin: 'http://localhost:80' },
    })
    expect(response.statusCode).toBe(404)
  })

  it('renders 500 in the layout with a request id and nothing else', async () => {
    shop = await buildTestApp()
    await shop.db.schema.dropTable('contact_messages').execute()
    const response = await postForm(shop.app, '/contact', message)
    expect(response.statusCode).toBe(500)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.body).toContain('<h1>Something went wrong</h1>')
    expect(response.body).toContain(`<code>${response.headers['x-request-id']}</code>`)
    expectNoInternals(response.body)
  })

  it('still answers with a plain page when even the layout cannot be rendered', async () => {
    shop = await buildTestApp()
    await shop.db.schema.dropTable('settings').execute()
    const response = await shop.app.inject({ url: '/' })
    expect(response.statusCode).toBe(500)
    expect(response.body).toContain('Something went wrong')
    expect(response.body).toContain(String(response.headers['x-request-id']))
    expectNoInternals(response.body)
  })

  it('answers 413 with a page when a form is too large', async () => {
    shop = await buildTestApp()
    const response = await postForm(shop.app, '/contact', { ...message, message: 'x'.repeat(70_000) })
    expect(response.statusCode).toBe(413)
    expect(response.body).toContain('Too much data')
    expect(await shop.db.selectFrom('contact_messages').selectAll().execute()).toHaveLength(0)
  })

  it('answers 415 with a page for a body type forms never send', async () => {
    shop = await buildTestApp()
    const response = await shop.app.inject({
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/xml', origin: 'http://localhost:80' },
      payload: '<a/>',
    })
    expect(response.statusCode).toBe(415)
    expect(response.body).toContain('Unsupported form')
  })
})

describe('API errors', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('are problem+json for an unknown resource', async () => {
    shop = await buildTestApp()
    const response = await shop.app.inject({ url: '/api/nothing-here' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toMatchObject({ type: 'about:blank', title: 'Page not found', status: 404 })
  })

  it('are problem+json for malformed JSON', async () => {
    shop = await buildTestApp()
    const response = await shop.app.inject({
      method: 'POST',
      url: '/api/contact-messages',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json().detail).toBe('The request body is not valid JSON of the expected shape.')
  })

  it('are problem+json with only a reference for a server error', async () => {
    shop = await buildTestApp()
    await shop.db.schema.dropTable('contact_messages').execute()
    const response = await shop.app.inject({ method: 'POST', url: '/api/contact-messages', payload: message })
    expect(response.statusCode).toBe(500)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Something went wrong',
      status: 500,
      detail: `The request could not be completed. Reference: ${response.headers['x-request-id']}`,
    })
    expectNoInternals(response.body)
  })
})

describe('requests the router cannot read', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  it('get a 400 page, or a problem under /api, without echoing the URL', async () => {
    shop = await buildTestApp()
    const page = await shop.app.inject({ url: '/%zz' })
    expect(page.statusCode).toBe(400)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('Bad request')
    expect(page.body).not.toContain('%zz')
    const api = await shop.app.inject({ url: '/api/%zz' })
    expect(api.statusCode).toBe(400)
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

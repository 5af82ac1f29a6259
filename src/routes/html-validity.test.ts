import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { htmlErrors } from '../testing/html.js'
import { postForm } from '../testing/http.js'

describe('every page the shop renders is valid HTML', () => {
  let shop: TestShop
  beforeAll(async () => {
    shop = await buildTestApp()
  })
  afterAll(() => shop.close())

  it.each([
    ['the home page', () => shop.app.inject({ url: '/' })],
    ['the contact page', () => shop.app.inject({ url: '/contact' })],
    ['a contact form with errors', () => postForm(shop.app, '/contact', { email: 'x' })],
    ['a refused form', () => postForm(shop.app, '/contact', {}, { headers: { origin: 'https://evil.example' } })],
    ['the 404 page', () => shop.app.inject({ url: '/missing' })],
  ])('%s', async (_name, request) => {
    const response = await request()
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(await htmlErrors(response.body)).toEqual([])
  })

  it('the plain page sent when the layout itself fails', async () => {
    const other = await buildTestApp()
    await other.db.schema.dropTable('settings').execute()
    const response = await other.app.inject({ url: '/' })
    expect(response.statusCode).toBe(500)
    expect(await htmlErrors(response.body)).toEqual([])
    await other.close()
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from './app.js'
import { buildTestApp, type TestShop } from './testing/app.js'
import { postForm, sessionCookie } from './testing/http.js'

describe('logs', () => {
  let shop: TestShop
  afterEach(() => shop.close())

  async function appWithLogs(options: { logRequests: boolean }) {
    shop = await buildTestApp({ logLevel: 'info', logRequests: options.logRequests })
    const lines: string[] = []
    await shop.app.close()
    shop.app = await buildApp(shop.config, { logStream: { write: (line) => lines.push(line) } })
    return lines
  }

  it('record a failed request with its request id, and no secret', async () => {
    const lines = await appWithLogs({ logRequests: false })
    const started = await postForm(shop.app, '/contact', {
      name: 'Ada',
      email: 'ada@example.com',
      subject: 'Hi',
      message: 'Long enough message.',
    })
    const cookie = sessionCookie(started) as string
    const withToken = await shop.app.inject({ url: '/contact', headers: { cookie } })
    const token = /name="_csrf" value="([^"]+)"/.exec(withToken.body)?.[1] as string
    await shop.db.schema.dropTable('contact_messages').execute()
    const broken = await postForm(
      shop.app,
      '/contact',
      {
        name: 'Ada',
        email: 'ada@example.com',
        subject: 'Hi',
        message: 'Long enough.',
        _csrf: token,
        password: 'hunter22',
      },
      { cookie },
    )
    expect(broken.statusCode).toBe(500)

    const entries = lines.map((l) => JSON.parse(l))
    const failure = entries.find((e) => e.msg === 'request failed')
    expect(failure).toMatchObject({ level: 50, reqId: broken.headers['x-request-id'] })
    expect(failure.err.message).toMatch(/no such table|does not exist/)
    const all = lines.join('\n')
    expect(all).not.toContain(cookie.slice(4))
    expect(all).not.toContain(token)
    expect(all).not.toContain('hunter22')
  })

  it('write one line per request only when asked, without the query string', async () => {
    const quiet = await appWithLogs({ logRequests: false })
    await shop.app.inject({ url: '/' })
    expect(quiet.filter((l) => l.includes('"msg":"request"'))).toHaveLength(0)
    await shop.close()

    const chatty = await appWithLogs({ logRequests: true })
    await shop.app.inject({ url: '/verify-email?token=secret-token-value' })
    const line = JSON.parse(chatty.find((l) => l.includes('"msg":"request"')) as string)
    expect(line).toMatchObject({ method: 'GET', url: '/verify-email', status: 410, reqId: expect.any(String) })
    expect(chatty.join('\n')).not.toContain('secret-token-value')
  })
})

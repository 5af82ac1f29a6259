import { Eta } from 'eta'
import { describe, expect, it } from 'vitest'
import { paginate } from './lib/pagination.js'
import { shopSettingsSchema } from './modules/settings/settings.service.js'
import { createEta } from './plugins/views.js'
import { htmlErrors } from './testing/html.js'

const eta = createEta(false)
const shop = shopSettingsSchema.parse({ shopName: 'Test & Co' })
const pageLocals = {
  shop,
  flash: {},
  csrfToken: null,
  asset: (name: string) => `/assets/${name}`,
  path: '/admin',
  canonical: 'http://localhost/admin',
  requestId: 'r1',
}

describe('the field partial', () => {
  it('never writes a password back into the page', () => {
    const html = eta.render('/partials/field', {
      name: 'password',
      label: 'Password',
      type: 'password',
      value: 'hunter22',
    })
    expect(html).not.toContain('hunter22')
    expect(html).toContain('value=""')
  })

  it('ties label, hint and error to the control', () => {
    const html = eta.render('/partials/field', {
      name: 'email',
      label: 'Email',
      hint: 'Hint',
      error: 'Wrong',
      value: '"x"',
    })
    expect(html).toContain('<label for="f-email">Email <span class="optional">(optional)</span></label>')
    expect(html).toContain('aria-describedby="f-email-hint f-email-error"')
    expect(html).toContain('aria-invalid="true"')
    expect(html).toContain('value="&quot;x&quot;"')
  })
})

describe('the pagination partial', () => {
  it('links pages with rel prev/next and marks the current one', () => {
    const pages = paginate({ page: 2, perPage: 10, total: 50, href: (n) => `/p?page=${n}` })
    const html = eta.render('/partials/pagination', pages)
    expect(html).toContain('rel="prev"')
    expect(html).toContain('rel="next"')
    expect(html).toMatch(/href="\/p\?page=2" aria-current="page"/)
  })

  it('renders nothing for a single page', () => {
    expect(eta.render('/partials/pagination', paginate({ page: 1, perPage: 10, total: 3, href: String })).trim()).toBe(
      '',
    )
  })
})

describe('the back-office layout', () => {
  it('is valid HTML with landmarks, a skip link and noindex', async () => {
    const html = eta.renderString("<% layout('/layouts/admin', it) %><h1>Dashboard</h1>", {
      ...pageLocals,
      title: 'Dashboard',
      adminNav: [
        { href: '/admin', label: 'Dashboard' },
        { href: '/admin/orders', label: 'Orders' },
      ],
    })
    expect(await htmlErrors(html)).toEqual([])
    expect(html).toContain('<title>Dashboard · Back office · Test &amp; Co</title>')
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">')
    expect(html).toContain('<a class="skip-link" href="#main">')
    expect(html).toContain('<a href="/admin" aria-current="page">Dashboard</a>')
    expect(html).toContain('<nav class="admin-nav" aria-label="Back office">')
  })
})

describe('includes and layouts', () => {
  it('merge their data without an object spread (see lib/objects.ts)', () => {
    const fn = eta.compileToString('<% layout("/l", { a: 1 }) %><%~ include("/p", { b: 2 }) %>', { async: true })
    expect(fn).not.toMatch(/\{\s*\.\.\./)
    expect(fn).toContain('Object.assign({}, it, __eta_d)')
  })

  it('pass the page data with the include data on top, and the layout its body and data', () => {
    const local = new Eta({ cache: false, autoEscape: true, plugins: [...(eta.config.plugins ?? [])] })
    local.loadTemplate('@part', '<%= it.a %>/<%= it.b %>')
    local.loadTemplate('@layout', '[<%= it.a %>|<%= it.title %>|<%~ it.body %>]')
    const html = local.renderString('<% layout("@layout", { title: "T" }) %><%~ include("@part", { b: "B" }) %>', {
      a: 'A',
      b: 'page',
    })
    expect(html).toBe('[A|T|A/B]')
  })
})

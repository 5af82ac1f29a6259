import { createHash } from 'node:crypto'
import { AxeBuilder } from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'
import { htmlErrors } from '../src/testing/html.js'
import { type RunningShop, startShop } from './server.js'

interface VisitedPage {
  url: string
  status: number
  body: string
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

/**
 * Every journey gets its own shop, and every HTML page its browser is shown
 * (after a link, a form post or a redirect) is checked when the journey ends:
 * the HTML validator must find no error, and axe no WCAG 2.2 A/AA violation.
 * Axe runs on the page as it was served, replayed in a fresh context, so the
 * checks never race the journey's own clicks. Axe itself needs JavaScript, so
 * a page from a journey without JavaScript is replayed with its scripts taken
 * out: what is checked is what that visitor saw.
 */
export const test = base.extend<{ shop: RunningShop; withStripe: boolean }>({
  /** test.use({ withStripe: true }): the shop takes card payments through a stand-in for Stripe. */
  withStripe: [false, { option: true }],

  shop: async ({ withStripe }, use) => {
    const shop = await startShop({ stripe: withStripe })
    await use(shop)
    await shop.stop()
  },

  baseURL: async ({ shop }, use) => {
    await use(shop.url)
  },

  page: async ({ page, browser, javaScriptEnabled }, use) => {
    const visited = recordPages(page)
    await use(page)

    const pages = uniquePages(await Promise.all(visited))
    expect(pages.length, 'the journey visited at least one page').toBeGreaterThan(0)
    for (const visit of pages) {
      expect(await htmlErrors(visit.body, visit.url), `HTML errors on ${visit.url} (${visit.status})`).toEqual([])
    }
    const violations = await axeViolations(browser, pages, javaScriptEnabled)
    expect(violations, 'accessibility violations').toEqual([])
  },
})

export { expect }

function recordPages(page: Page): Promise<VisitedPage>[] {
  const visited: Promise<VisitedPage>[] = []
  page.on('response', (response) => {
    const request = response.request()
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return
    const status = response.status()
    if (status >= 300 && status < 400) return
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) return
    visited.push(
      response.text().then(
        (body) => ({ url: response.url(), status, body }),
        (err) => {
          throw new Error(`could not read the page at ${response.url()} to check it: ${err}`)
        },
      ),
    )
  })
  return visited
}

function uniquePages(pages: VisitedPage[]): VisitedPage[] {
  const seen = new Set<string>()
  return pages.filter((p) => {
    // Form tokens differ on every render; they do not make a different page.
    const key = createHash('sha256')
      .update(p.url)
      .update(p.body.replace(/name="_csrf" value="[^"]*"/g, ''))
      .digest('hex')
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Axe's violations on each page, keyed by URL and status. One context serves
 * every recorded page back at its own URL; legacy mode runs axe in the page
 * alone (our pages have no frames), at half the cost.
 */
async function axeViolations(
  browser: import('@playwright/test').Browser,
  pages: VisitedPage[],
  javaScriptEnabled: boolean,
) {
  // Explicitly on: a context made in a test takes the project's options, javaScriptEnabled: false among them.
  const context = await browser.newContext({ javaScriptEnabled: true })
  try {
    const page = await context.newPage()
    let serving: VisitedPage | undefined
    await page.route(
      (url) => url.href === serving?.url,
      (route) => {
        const body = serving?.body ?? ''
        // Axe itself needs JavaScript, so a page from a journey without it is checked with its scripts taken out.
        const shown = javaScriptEnabled ? body : body.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: shown })
      },
    )
    const found: { page: string; rule: string; impact: string | null | undefined; help: string; targets: string[] }[] =
      []
    for (const visit of pages) {
      serving = visit
      await page.goto(visit.url)
      const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode(true).analyze()
      for (const v of results.violations) {
        found.push({
          page: `${visit.url} (${visit.status})`,
          rule: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(' ')),
        })
      }
    }
    return found
  } finally {
    await context.close()
  }
}

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

/** The narrowest screen every page must fit without scrolling sideways (an iPhone 12 to 15, held upright). */
export const NARROW = { width: 390, height: 844 }

/**
 * Every journey gets its own shop, and every HTML page its browser is shown
 * (after a link, a form post or a redirect) is checked when the journey ends:
 * the HTML validator must find no error, axe no WCAG 2.2 A/AA violation, and
 * at 390 px wide the page must be no wider than the screen
 * (`document.documentElement.scrollWidth <= 390`). Axe and the width are
 * measured on the page as it was served, replayed in a fresh context with the
 * shop's own stylesheet and pictures, so the checks never race the journey's
 * own clicks and a page a form post answered is measured too. Axe itself needs
 * JavaScript, so a page from a journey without JavaScript is replayed with its
 * scripts taken out: what is checked is what that visitor saw.
 */
export interface ShopOptions {
  /** test.use({ withStripe: true }): the shop takes card payments through a stand-in for Stripe. */
  withStripe: boolean
  /** The projects named postgres-… run their journeys on PostgreSQL (playwright.config.ts). */
  database: 'sqlite' | 'postgres'
}

export const test = base.extend<{ shop: RunningShop } & ShopOptions>({
  withStripe: [false, { option: true }],
  database: ['sqlite', { option: true }],

  shop: async ({ withStripe, database }, use) => {
    const shop = await startShop({ stripe: withStripe, database })
    await use(shop)
    await shop.stop()
  },

  baseURL: async ({ shop }, use) => {
    await use(shop.url)
  },

  page: [
    async ({ page, browser, javaScriptEnabled }, use) => {
      const visited = recordPages(page)
      await use(page)

      const pages = uniquePages(await Promise.all(visited))
      expect(pages.length, 'the journey visited at least one page').toBeGreaterThan(0)
      for (const visit of pages) {
        // Soft, as the width below: a journey reports every page's problems of each kind, not only the first.
        expect
          .soft(await htmlErrors(visit.body, visit.url), `HTML errors on ${visit.url} (${visit.status})`)
          .toEqual([])
      }
      const { violations, tooWide } = await replayChecks(browser, pages, javaScriptEnabled)
      expect.soft(tooWide, `pages wider than ${NARROW.width} px at ${NARROW.width} px`).toEqual([])
      expect(violations, 'accessibility violations').toEqual([])
    },
    // The checks take a few seconds a page on a busy machine, axe most of it: a long journey's need more than a minute.
    { scope: 'test', timeout: 180_000 },
  ],
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
 * Axe's violations on each page, and the pages wider than the screen at
 * NARROW, keyed by URL and status. One context serves every recorded page back
 * at its own URL (its stylesheet, scripts and pictures come from the shop);
 * legacy mode runs axe in the page alone (our pages have no frames), at half
 * the cost. Axe looks at each page at the context's 1280 × 720, and its width
 * is read at NARROW.
 */
async function replayChecks(
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
    const tooWide: { page: string; width: number; widest: string[] }[] = []
    const wide = page.viewportSize() ?? { width: 1280, height: 720 }
    const checkAxe = async (visit: VisitedPage) => {
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
    const checkWidth = async (visit: VisitedPage) => {
      const width = await page.evaluate<number>('document.documentElement.scrollWidth')
      if (width > NARROW.width) {
        tooWide.push({ page: `${visit.url} (${visit.status})`, width, widest: await overflowing(page) })
      }
    }
    // One resize a page: the pages take turns starting wide (axe first) and narrow (width first).
    let narrow = false
    for (const visit of pages) {
      serving = visit
      await page.goto(visit.url)
      if (narrow) await checkWidth(visit)
      else await checkAxe(visit)
      narrow = !narrow
      await page.setViewportSize(narrow ? NARROW : wide)
      if (narrow) await checkWidth(visit)
      else await checkAxe(visit)
    }
    return { violations: found, tooWide }
  } finally {
    await context.close()
  }
}

/**
 * Where a page's overflow comes from, widest first: the outermost elements
 * that stick out of their parent past the right edge of the screen (where the
 * page widens), and the tables, preformatted text, pictures and form controls
 * that reach past it (usually what makes it widen). Each is named with its
 * last few ancestors, and how far right it reaches.
 */
function overflowing(page: Page): Promise<string[]> {
  // A string, run in the page: the tests' TypeScript has no DOM types.
  return page.evaluate<string[]>(`(() => {
    const edge = document.documentElement.clientWidth + 0.5
    const reach = (el) => {
      const box = el.getBoundingClientRect()
      return Math.max(box.right, box.left + el.scrollWidth)
    }
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].map((c) => '.' + c).join('')
    const path = (el) => {
      const names = []
      for (let at = el; at && at !== document.documentElement && names.length < 4; at = at.parentElement) names.unshift(name(at))
      return names.join(' > ')
    }
    const wide = 'table, pre, img, svg, video, canvas, iframe, input, select, textarea'
    const found = new Map()
    for (const el of document.body.querySelectorAll('*')) {
      const right = reach(el)
      if (right <= edge) continue
      const parent = el.parentElement.getBoundingClientRect().right
      const sticksOut = parent <= edge && el.getBoundingClientRect().right > parent + 0.5
      if (!sticksOut && !(el.matches(wide) && right > edge)) continue
      found.set(path(el), Math.round(right))
    }
    return [...found].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([key, right]) => key + ' (to ' + right + ' px)')
  })()`)
}

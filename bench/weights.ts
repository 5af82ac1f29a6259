/**
 * Sizes on the wire: one product page's HTML and the stylesheet, raw and
 * gzip as the server sends them, against the design's budgets.
 */
import { gzipSync } from 'node:zlib'
import type { Catalogue } from './databases.js'
import { get } from './http.js'

/** Budgets from the design: product HTML under 30 KB, the stylesheet under 14 KB compressed. */
const HTML_BUDGET_KIB = 30
const CSS_BUDGET_KIB = 14

export interface Weight {
  what: string
  path: string
  raw?: number
  gzip?: number
  gzipNote?: string
  budget: string
  verdict: string
}

async function weigh(
  url: string,
): Promise<{ status: number; raw: number; gzip: number; local: boolean; body: Buffer }> {
  const plain = await get(url)
  const compressed = await get(url, { 'accept-encoding': 'gzip' })
  const served = compressed.headers['content-encoding'] === 'gzip'
  return {
    status: plain.status,
    raw: plain.body.length,
    gzip: served ? compressed.body.length : gzipSync(plain.body).length,
    local: !served,
    body: plain.body,
  }
}

/** The href of a page's `<link rel="stylesheet">`, entities decoded; null when it has none. */
export function stylesheetOf(html: string): string | null {
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    const rel = /\brel\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1]
    const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1] ?? /\bhref\s*=\s*([^\s>]+)/i.exec(tag)?.[1]
    if (rel?.toLowerCase() === 'stylesheet' && href) return href.replace(/&amp;/g, '&')
  }
  return null
}

export async function weights(origin: string, catalogue: Catalogue): Promise<Weight[]> {
  const kib = (bytes: number) => bytes / 1024
  const result: Weight[] = []
  const productHtml: Weight = {
    what: 'product page HTML',
    path: '—',
    budget: `< ${HTML_BUDGET_KIB} KiB`,
    verdict: 'no active product',
  }
  if (catalogue.sampleSlug) {
    const path = `/products/${encodeURIComponent(catalogue.sampleSlug)}`
    const w = await weigh(origin + path)
    Object.assign(productHtml, {
      path,
      raw: w.raw,
      gzip: w.gzip,
      ...(w.local ? { gzipNote: 'not compressed by the server; gzipped here' } : {}),
      verdict:
        w.status !== 200
          ? `⚠ HTTP ${w.status}`
          : kib(w.raw) < HTML_BUDGET_KIB
            ? '✓ even uncompressed'
            : kib(w.gzip) < HTML_BUDGET_KIB
              ? '✓ compressed only'
              : '✗ over',
    })
  }
  result.push(productHtml)

  const css: Weight = { what: 'stylesheet', path: '—', budget: `< ${CSS_BUDGET_KIB} KiB gzip`, verdict: '' }
  const home = await get(`${origin}/`)
  const href = home.status === 200 ? stylesheetOf(home.body.toString('utf8')) : null
  if (!href)
    css.verdict = home.status === 200 ? '⚠ no <link rel="stylesheet"> on /' : `⚠ / answered HTTP ${home.status}`
  else {
    const url = new URL(href, `${origin}/`)
    const w = await weigh(url.href)
    Object.assign(css, {
      path: url.pathname,
      raw: w.raw,
      gzip: w.gzip,
      ...(w.local ? { gzipNote: 'not compressed by the server; gzipped here' } : {}),
      verdict: w.status !== 200 ? `⚠ HTTP ${w.status}` : kib(w.gzip) < CSS_BUDGET_KIB ? '✓' : '✗ over',
    })
  }
  result.push(css)
  return result
}

import type { Db } from '../../db/connection.js'
import { quotedTerm } from '../../db/dialect/full-text.js'
import { withFields } from '../../lib/objects.js'
import { missing } from '../../lib/outcomes.js'
import { type Pagination, paginate } from '../../lib/pagination.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { SearchQuery } from './catalogue.forms.js'
import { type ProductCard, productCards } from './catalogue.service.js'
import { productCount } from './listing.js'
import {
  countSearchResults,
  hasSearchResults,
  type SearchRow,
  searchProducts,
  selectSuggestionCategories,
  selectTermSnippet,
  selectVocabularyCandidates,
} from './search.repository.js'

/** A person's query is cut here: anything longer is a paste, not a search. */
export const MAX_QUERY_LENGTH = 200
/** More words than this only narrow the results to nothing and make the index work harder. */
export const MAX_TOKENS = 10
export const SEARCH_PER_PAGE = 24
export const SEARCH_MAX_PAGES = 40
/** Counting stops here; the page says "1000+" rather than counting every match. */
export const SEARCH_COUNT_CAP = 1000

/** The markers snippet() puts around a hit: control characters, which HTML escaping leaves alone and stored text should not hold. */
export const MARK_OPEN = '\u0001'
export const MARK_CLOSE = '\u0002'

// Letters, digits and combining marks: the characters FTS5's unicode61 tokenizer keeps. Everything else,
// FTS5's own syntax included (" * ( ) : ^ - + { }), only separates words.
const WORD = /[\p{L}\p{N}\p{M}]+/gu

// Tags and character references pasted into the box ("<b>mug</b>", "&amp;"): their names are not words a shopper looked for.
const MARKUP = /<\/?[a-z][^<>]*>|&(?:#\d+|#x[\da-f]+|[a-z]+\d*);/gi

/** The words of what a person typed, markup left out: lower-cased, de-duplicated, at most MAX_TOKENS of them. */
export function searchTokens(input: string): string[] {
  const text = input.slice(0, MAX_QUERY_LENGTH).replace(MARKUP, ' ').normalize('NFKC').toLowerCase()
  const tokens: string[] = []
  for (const [word] of text.matchAll(WORD)) {
    if (!tokens.includes(word)) tokens.push(word)
    if (tokens.length === MAX_TOKENS) break
  }
  return tokens
}

/**
 * An FTS5 MATCH expression that finds rows holding every token. Each token is
 * a quoted string, so AND, OR, NOT and NEAR are ordinary words and no column
 * filter or operator can be smuggled in; the last token also matches as a
 * prefix, so "stonew" finds stoneware while the person is still typing.
 * Null when there is nothing to search for.
 */
export function matchExpression(tokens: readonly string[]): string | null {
  if (tokens.length === 0) return null
  return tokens
    .map((token, i) => {
      const quoted = quotedTerm(token)
      return i === tokens.length - 1 && [...token].length >= 2 ? `${quoted}*` : quoted
    })
    .join(' AND ')
}

/** What a person typed as a MATCH expression, or null when it holds no words (only symbols, or nothing). */
export function toMatchQuery(input: string): string | null {
  return matchExpression(searchTokens(input))
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * A snippet as safe HTML: the stored text is escaped first, then the markers
 * become <mark> elements. Markers are paired here, so a stray control
 * character in the stored text can never leave a <mark> open.
 */
export function highlightSnippet(snippet: string): string {
  let html = ''
  let open = false
  for (const char of snippet) {
    if (char === MARK_OPEN) {
      if (!open) html += '<mark>'
      open = true
    } else if (char === MARK_CLOSE) {
      if (open) html += '</mark>'
      open = false
    } else if (!isControl(char)) {
      // Other control characters are not allowed in an HTML document: dropped.
      html += HTML_ESCAPES[char] ?? char
    }
  }
  return open ? `${html}</mark>` : html
}

/** A C0 control character other than tab, newline and carriage return, or DEL. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) as number
  return (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') || code === 0x7f
}

/** The first marked word of a snippet made with MARK_OPEN / MARK_CLOSE, or null. */
export function firstMarked(snippet: string): string | null {
  const start = snippet.indexOf(MARK_OPEN)
  const end = start < 0 ? -1 : snippet.indexOf(MARK_CLOSE, start + 1)
  const word = end < 0 ? '' : snippet.slice(start + 1, end).trim()
  return word ? word : null
}

/** Optimal string alignment distance (Levenshtein plus swapped neighbours), stopping early once past `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = [...a]
  const t = [...b]
  if (Math.abs(s.length - t.length) > max) return max + 1
  let before: number[] = []
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1)
      current.push(d)
      rowMin = Math.min(rowMin, d)
    }
    if (rowMin > max) return max + 1
    before = previous
    previous = current
  }
  return previous[t.length] as number
}

/**
 * How far a typed word is from a vocabulary term. Terms are Porter stems
 * ("stonewar" for stoneware), so a few trailing letters of the word may be a
 * suffix the stemmer removed: dropping them costs one edit at most.
 */
export function termDistance(word: string, term: string, max: number): number {
  let best = editDistance(word, term, max)
  const letters = [...word]
  const termLength = [...term].length
  for (let k = termLength; k < letters.length && k <= termLength + 4; k++) {
    best = Math.min(best, editDistance(letters.slice(0, k).join(''), term, max) + 1)
  }
  return best
}

/** The edits a word of this length may be away from a suggestion. */
function allowedDistance(word: string): number {
  const length = [...word].length
  return length <= 2 ? 0 : length <= 4 ? 1 : 2
}

export interface SearchResult extends ProductCard {
  /** Safe HTML: escaped text with <mark> around the hits. */
  snippetHtml: string
}

export interface SearchSuggestion {
  /** The corrected query, as words. */
  query: string
  href: string
}

export interface SearchPage {
  query: string
  /** False when the query held no words: the page shows the form and suggestions only. */
  searched: boolean
  results: SearchResult[]
  /** Matches counted up to SEARCH_COUNT_CAP. */
  total: number
  capped: boolean
  pagination: Pagination
  /** "Did you mean …?", only when nothing was found. */
  didYouMean: SearchSuggestion | null
  categories: { name: string; slug: string }[]
}

export function searchHref(query: string, page = 1): string {
  const params = new URLSearchParams({ q: query })
  if (page > 1) params.set('page', String(page))
  return `/search?${params.toString()}`
}

/**
 * One page of search results, or null for a page past the end (the caller's
 * 404). With nothing found, or nothing to search for, it suggests a spelling
 * that does find something and the top-level categories.
 */
export async function searchCatalogue(
  db: Db,
  input: { q?: string | undefined; page: number },
): Promise<SearchPage | null> {
  const query = (input.q ?? '').slice(0, MAX_QUERY_LENGTH).trim()
  const tokens = searchTokens(query)
  const match = matchExpression(tokens)
  const empty = (total: number, capped: boolean) => ({
    query,
    searched: match !== null,
    results: [] as SearchResult[],
    total,
    capped,
    pagination: paginate({ page: 1, perPage: SEARCH_PER_PAGE, total: 0, href: (n) => searchHref(query, n) }),
    didYouMean: null as SearchSuggestion | null,
    categories: [] as { name: string; slug: string }[],
  })

  if (match === null) {
    if (input.page > 1) return null
    return withFields(empty(0, false), { categories: await selectSuggestionCategories(db) })
  }

  const counted = await countSearchResults(db, match, SEARCH_COUNT_CAP)
  const total = Math.min(counted, SEARCH_PER_PAGE * SEARCH_MAX_PAGES)
  const totalPages = Math.max(1, Math.ceil(total / SEARCH_PER_PAGE))
  if (input.page > totalPages) return null

  if (counted === 0) {
    return withFields(empty(0, false), {
      didYouMean: await suggestCorrection(db, tokens),
      categories: await selectSuggestionCategories(db),
    })
  }

  const rows = await searchProducts(db, match, {
    limit: SEARCH_PER_PAGE,
    offset: (input.page - 1) * SEARCH_PER_PAGE,
  })
  return withFields(empty(counted, counted >= SEARCH_COUNT_CAP), {
    results: await toResults(db, rows),
    pagination: paginate({ page: input.page, perPage: SEARCH_PER_PAGE, total, href: (n) => searchHref(query, n) }),
  })
}

/**
 * /search: the results page for the checked query, or missing for a page
 * past the results. Results are endless variations of the catalogue, so the
 * page is never indexed (robots.txt also disallows /search).
 */
export async function searchPage(db: Db, input: SearchQuery) {
  const [result, shop] = await Promise.all([
    searchCatalogue(db, { q: input.q, page: input.page ?? 1 }),
    getShopSettings(db),
  ])
  if (!result) return missing
  const pageSuffix = result.pagination.page > 1 ? ` – page ${result.pagination.page}` : ''
  const data = withFields(result, {
    title: result.searched ? `Search results for “${result.query}”${pageSuffix}` : 'Search',
    description: 'Search the shop by product name, description, SKU or category.',
    noindex: true,
    resultsHeading:
      result.total === 0 ? 'No products found' : `${productCount(result.total, result.capped, shop.locale)} found`,
  })
  return { kind: 'page' as const, ...data }
}

async function toResults(db: Db, rows: SearchRow[]): Promise<SearchResult[]> {
  return (await productCards(db, rows)).map(({ snippet, ...card }) =>
    withFields(card, { snippetHtml: highlightSnippet(snippet ?? '') }),
  )
}

/** Candidates tried per misspelt word before giving up: each costs one small query. */
const CANDIDATES_TRIED = 3

/**
 * A spelling of the query that finds something: each word that finds nothing
 * on its own is replaced by the nearest indexed word sharing its first letter.
 * The index holds stems ("stonewar"), so the word shown is read back from a
 * product that holds it ("stoneware"), and the whole corrected query is run
 * once more so the link never leads to an empty page.
 */
export async function suggestCorrection(db: Db, tokens: readonly string[]): Promise<SearchSuggestion | null> {
  const corrected = [...tokens]
  let changed = false
  for (const [i, token] of tokens.entries()) {
    // The word as the query used it: the last one as a prefix, the others whole.
    const alone = i === tokens.length - 1 ? (matchExpression([token]) as string) : quotedTerm(token)
    if (await hasSearchResults(db, alone)) continue
    const max = allowedDistance(token)
    if (max === 0) continue
    const candidates = (await selectVocabularyCandidates(db, token, max))
      .map((c) => withFields(c, { distance: termDistance(token, c.term, max) }))
      .filter((c) => c.distance <= max && c.term !== token)
      .sort((a, b) => a.distance - b.distance || b.doc - a.doc)
      .slice(0, CANDIDATES_TRIED)
    for (const candidate of candidates) {
      const snippet = await selectTermSnippet(db, candidate.term)
      const word = snippet === null ? null : firstMarked(snippet)?.toLowerCase()
      if (word) {
        corrected[i] = word
        changed = true
        break
      }
    }
  }
  if (!changed) return null
  const match = matchExpression(corrected)
  if (match === null || !(await hasSearchResults(db, match))) return null
  const query = corrected.join(' ')
  return { query, href: searchHref(query) }
}

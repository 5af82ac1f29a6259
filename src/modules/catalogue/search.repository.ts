import { sql } from 'kysely'
import type { Db } from '../../db/connection.js'
import { quotedTerm, termSnippet, textMatches, textRank, textSnippet } from '../../db/dialect/full-text.js'
import { withFields } from '../../lib/objects.js'
import type { ProductCard } from './catalogue.service.js'

// Every `match` here is built by matchExpression() in search.ts; it is still passed as a bound parameter.

/**
 * Full-text matches of active products. The FTS table drives the join (CROSS
 * JOIN fixes SQLite's loop order), so a search reads the matching rows only.
 */
function matching(db: Db, match: string) {
  return db
    .selectFrom('products_fts')
    .crossJoin('products as p')
    .whereRef('p.id', '=', sql.ref('products_fts.rowid'))
    .where(textMatches(db, 'products_fts', match))
    .where('p.status', '=', 'active')
}

/** The index holds active products only (see the catalogue migration), so counting and ranking need no join. */
function indexed(db: Db, match: string) {
  return db.selectFrom('products_fts').where(textMatches(db, 'products_fts', match))
}

export interface SearchRow extends Omit<ProductCard, 'image' | 'compare_at'> {
  /** The description around the hits, with \u0001 … \u0002 around each hit; not yet escaped. */
  snippet: string | null
}

/** One page of matches, best first, each with a highlighted snippet. */
export async function searchProducts(
  db: Db,
  match: string,
  page: { limit: number; offset: number },
): Promise<SearchRow[]> {
  // Rank first, on ids alone; snippets are made for the one page shown, not for every match.
  const ranked = await indexed(db, match)
    .select(sql<number>`rowid`.as('id'))
    .orderBy(textRank(db, match))
    .orderBy(sql`rowid`)
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  if (ranked.length === 0) return []
  const ids = ranked.map((r) => r.id)
  const [snippets, products] = await Promise.all([
    indexed(db, match)
      .where(sql`rowid`, 'in', ids)
      .select([sql<number>`rowid`.as('id'), textSnippet(db, match, 12).as('snippet')])
      .execute(),
    db
      .selectFrom('products as p')
      .select(['p.id', 'p.slug', 'p.title', 'p.price_min', 'p.price_max', 'p.in_stock', 'p.status'])
      // Checked here, not in SQL: with a status condition SQLite walks the status index instead of the ids.
      .where('p.id', 'in', ids)
      .execute(),
  ])
  const snippetOf = new Map(snippets.map((row) => [row.id, row.snippet]))
  const rows = products.flatMap(({ status, ...row }) =>
    status === 'active' ? [withFields(row, { snippet: snippetOf.get(row.id) ?? null })] : [],
  )
  const byId = new Map(rows.map((row) => [row.id, row]))
  return ranked.flatMap((r) => byId.get(r.id) ?? [])
}

/** Counts matches up to `cap`, so a common word never counts the whole catalogue. */
export async function countSearchResults(db: Db, match: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom(indexed(db, match).select(sql.lit(1).as('one')).limit(cap).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function hasSearchResults(db: Db, match: string): Promise<boolean> {
  const row = await matching(db, match).select(sql.lit(1).as('one')).limit(1).executeTakeFirst()
  return row !== undefined
}

/** A shorter term is a word of its own ("a", "of"), never what a longer word was misspelt from. */
const MIN_STEM = 3
/** How many vocabulary terms of one first letter are looked at for a suggestion. */
const VOCABULARY_SCAN = 5000
/** How many of them, the most common first, are compared with the typed word. */
const VOCABULARY_CANDIDATES = 200

/**
 * Indexed terms (Porter stems) that could be `word` misspelt: the same first
 * letter, a length within reach, the most common first. The scan is bounded,
 * however large the vocabulary grows.
 */
export async function selectVocabularyCandidates(
  db: Db,
  word: string,
  maxDistance: number,
): Promise<{ term: string; doc: number }[]> {
  const first = String.fromCodePoint(word.codePointAt(0) as number)
  const next = String.fromCodePoint((first.codePointAt(0) as number) + 1)
  const length = [...word].length
  // A stem can be up to four letters shorter than the word it came from (glazing → glaz).
  const { rows } = await sql<{ term: string; doc: number }>`
    SELECT term, doc FROM (
      SELECT term, doc FROM products_fts_vocab WHERE term >= ${first} AND term < ${next} LIMIT ${VOCABULARY_SCAN}
    ) AS scanned
    WHERE length(term) BETWEEN ${Math.max(MIN_STEM, length - maxDistance - 4)} AND ${length + maxDistance}
    ORDER BY doc DESC, term
    LIMIT ${VOCABULARY_CANDIDATES}`.execute(db)
  return rows
}

/**
 * A few words around `term` in the best active product holding it, the term
 * marked with \u0001 … \u0002: how a product spells an indexed stem
 * ("Stoneware" for "stonewar"). Null when no active product holds it.
 */
export async function selectTermSnippet(db: Db, term: string): Promise<string | null> {
  const match = quotedTerm(term)
  const row = await matching(db, match)
    .select(termSnippet(db, term).as('snippet'))
    .orderBy(textRank(db, match))
    .limit(1)
    .executeTakeFirst()
  return row ? row.snippet : null
}

/** Top-level categories, offered when a search finds nothing. */
export async function selectSuggestionCategories(db: Db, limit = 12): Promise<{ name: string; slug: string }[]> {
  return db
    .selectFrom('categories')
    .select(['name', 'slug'])
    .where('parent_id', 'is', null)
    .orderBy('position')
    .orderBy('name')
    .limit(limit)
    .execute()
}

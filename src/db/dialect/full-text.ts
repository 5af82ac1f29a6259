import { type Kysely, type RawBuilder, sql } from 'kysely'
import { isPostgres } from './index.js'

/**
 * Full-text search on both databases. The shop writes every query as an FTS5
 * expression of its own making (search.ts: `"word" AND "word"*`, each word
 * quoted); SQLite runs it as it is, PostgreSQL runs the same words as a
 * tsquery in the `shop` configuration (see the postgres_search migration).
 * Both index tables keep the product id in `rowid`.
 */

type Index = 'products_fts' | 'products_admin_fts'

// ts_headline drops what its parser takes for markup ("<b>"): "<" stands in as a private-use character meanwhile.
const LT = '\ue000'

/** One word as the shop's FTS5 expressions hold it: quoted, a quote inside doubled, so it is only a word. */
export function quotedTerm(word: string): string {
  return `"${word.replaceAll('"', '""')}"`
}

/** The words of one of the shop's own FTS5 expressions, and whether the last is a prefix. */
export function parseMatch(match: string): { words: string[]; prefix: boolean } {
  const words: string[] = []
  let prefix = false
  for (const term of match.split(' AND ')) {
    const quoted = /^"((?:[^"]|"")*)"(\*?)$/.exec(term)
    if (!quoted) throw new Error('not a match expression made by the shop')
    words.push((quoted[1] as string).replaceAll('""', '"'))
    prefix = quoted[2] === '*'
  }
  return { words, prefix }
}

/** The words as tsquery text: each a quoted lexeme, all required, the last a prefix when asked. */
export function toTsquery(match: string): string {
  const { words, prefix } = parseMatch(match)
  return words
    .map(
      (word, i) =>
        `'${word.replaceAll("'", "''").replaceAll('\\', '\\\\')}'${prefix && i === words.length - 1 ? ':*' : ''}`,
    )
    .join(' & ')
}

function tsquery(index: Index, match: string): RawBuilder<unknown> {
  const config = index === 'products_fts' ? 'shop' : 'simple'
  return sql`to_tsquery(${sql.lit(config)}::regconfig, ${toTsquery(match)})`
}

/** Rows of `index` (aliased `alias`, or named as itself) holding every word of `match`. */
export function textMatches(db: Kysely<any>, index: Index, match: string, alias: string = index): RawBuilder<boolean> {
  if (isPostgres(db)) return sql<boolean>`${sql.ref(`${alias}.document`)} @@ ${tsquery(index, match)}`
  return sql<boolean>`${sql.table(index)} MATCH ${match}`
}

/**
 * Best match first: a word in the title counts ten times one in the
 * description, a SKU five times, the category three (bm25 on SQLite, ts_rank
 * with the same proportions on PostgreSQL). Ascending on both.
 */
export function textRank(db: Kysely<any>, match: string): RawBuilder<number> {
  if (isPostgres(db)) {
    return sql<number>`-ts_rank('{0.1, 0.3, 0.5, 1.0}', products_fts.document, ${tsquery('products_fts', match)})`
  }
  return sql<number>`bm25(products_fts, 10.0, 1.0, 5.0, 3.0)`
}

/**
 * About `words` words of the description around the hits, each hit between
 * \u0001 and \u0002 (SQLite's snippet(), PostgreSQL's ts_headline()).
 */
export function textSnippet(db: Kysely<any>, match: string, words: number): RawBuilder<string | null> {
  if (isPostgres(db)) {
    // ts_headline cuts without saying so: an ellipsis marks each cut, as SQLite's snippet() does.
    return sql<string | null>`(SELECT CASE WHEN at > 1 THEN '…' ELSE '' END || h
        || CASE WHEN at > 0 AND at + length(plain) - 1 < length(products_fts.description) THEN '…' ELSE '' END
      FROM (SELECT h, replace(replace(h, chr(1), ''), chr(2), '') AS plain
            FROM (SELECT replace(ts_headline('shop', replace(products_fts.description, '<', ${LT}),
              ${tsquery('products_fts', match)},
              ${`StartSel=, StopSel=, MaxWords=${words}, MinWords=${Math.max(1, words - 4)}, ShortWord=1`}), ${LT}, '<') AS h) AS headline
      ) AS parts, LATERAL (SELECT position(plain IN products_fts.description) AS at) AS found)`
  }
  return sql<string | null>`snippet(products_fts, 1, char(1), char(2), '…', ${sql.lit(words)})`
}

/** A few words around `term` (an indexed word, as the index holds it) in a product's title or description, marked. */
export function termSnippet(db: Kysely<any>, term: string): RawBuilder<string> {
  if (isPostgres(db)) {
    return sql<string>`ts_headline('shop', products_fts.title || ' ' || products_fts.description,
      to_tsquery('shop', ${`'${term.replaceAll("'", "''")}'`}), 'StartSel=\u0001, StopSel=\u0002, MaxWords=3, MinWords=1, ShortWord=1')`
  }
  return sql<string>`snippet(products_fts, -1, char(1), char(2), '', 3)`
}

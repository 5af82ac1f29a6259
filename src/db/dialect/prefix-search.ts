import { type Kysely, type RawBuilder, sql } from 'kysely'
import { isPostgres } from './index.js'

/**
 * Rows whose email address starts with `q` (addresses are kept in lower
 * case) or, when a name column is given, whose name starts with it in any
 * case. % and _ in `q` are only themselves. SQLite: a range of the binary
 * email index, and LIKE (case-blind for ASCII) through a NOCASE index.
 * PostgreSQL: LIKE on the email and on lower(name), whose indexes use
 * text_pattern_ops (the back office and email prefix migrations), so a
 * search reads only the matching range.
 */
export function startsWith(db: Kysely<any>, q: string, columns: { email: string; name?: string }): RawBuilder<boolean> {
  const lower = q.toLowerCase()
  const escaped = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  if (isPostgres(db)) {
    const email = sql<boolean>`${sql.ref(columns.email)} LIKE ${escaped(lower)} ESCAPE '\\'`
    if (!columns.name) return email
    return sql<boolean>`(${email} OR lower(${sql.ref(columns.name)}) LIKE ${escaped(lower)} ESCAPE '\\')`
  }
  const email = sql<boolean>`(${sql.ref(columns.email)} >= ${lower} AND ${sql.ref(columns.email)} < ${`${lower}\uffff`})`
  if (!columns.name) return email
  return sql<boolean>`(${email} OR ${sql.ref(columns.name)} LIKE ${escaped(q)} ESCAPE '\\')`
}

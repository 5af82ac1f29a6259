import { type RawBuilder, sql } from 'kysely'

/**
 * Rows whose email address starts with `q` (addresses are kept in lower
 * case, so this is a range of the binary email index) or, when a name column
 * is given, whose name starts with it in any case (through a NOCASE index).
 * % and _ in `q` are only themselves.
 */
export function startsWith(q: string, columns: { email: string; name?: string }): RawBuilder<boolean> {
  const lower = q.toLowerCase()
  const email = sql<boolean>`(${sql.ref(columns.email)} >= ${lower} AND ${sql.ref(columns.email)} < ${`${lower}\uffff`})`
  if (!columns.name) return email
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<boolean>`(${email} OR ${sql.ref(columns.name)} LIKE ${prefix} ESCAPE '\\')`
}

import { BusyError } from '../../lib/work-limit.js'

/** Seconds a person or client is asked to wait before trying again when the database cannot answer. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

// PostgreSQL's connection and shutdown failures (classes 08 and 57P, too many connections, a statement
// cancelled by its timeout), the network's, and SQLite's lock still held after busy_timeout.
const UNAVAILABLE_CODES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'SQLITE_BUSY',
])
// pg's own errors carry no code: a pool with every connection busy past its wait, a connection that died.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i

/**
 * The database could not answer (down, restarting, unreachable, every
 * connection busy): a BusyError (503 with Retry-After) the error handlers
 * answer without internals, or null for any other error. The pool opens new
 * connections by itself, so the shop recovers when the database is back.
 */
export function databaseUnavailable(error: unknown): BusyError | null {
  if (!(error instanceof Error)) return null
  const code = (error as { code?: unknown }).code
  if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(error.message)) {
    return new BusyError(DATABASE_RETRY_AFTER_SECONDS, 'The database cannot answer right now')
  }
  return null
}

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

const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'nothing answers at that address',
  ENOTFOUND: 'the host name is unknown',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the server did not answer in time',
  '28P01': 'the password was refused',
  '28000': 'the user may not connect',
  '3D000': 'the database does not exist',
}

/** Why a first connection failed, in words a person running the shop can act on (never the URL or password). */
export function connectFailureReason(error: unknown): string {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && CONNECT_FAILURES[code]) return CONNECT_FAILURES[code]
  if (/timeout/i.test(String((error as Error | undefined)?.message))) return 'the server did not answer in time'
  return typeof code === 'string' && code ? code : 'no answer'
}

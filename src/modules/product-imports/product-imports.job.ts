import { randomUUID } from 'node:crypto'
import { type Db, inTransaction } from '../../db/connection.js'
import { type Poller, startPoller } from '../../lib/poller.js'
import { nowIso } from '../../lib/time.js'
import { applyImport, CHECK_LOCK_MS, checkImport, later } from './import-steps.js'
import { claimNextImport, expireImports, finishClaim } from './product-imports.repository.js'

const RETRY_MS = 30_000
const MAX_ATTEMPTS = 3

type JobLog = { error(obj: object, msg: string): void }

/**
 * Checks and applies what is waiting, one import at a time, until nothing is
 * left or `shouldStop` says so. Each import is claimed by a guarded update,
 * so several processes can run this at once; one whose process died is
 * taken over once its claim runs out. A failure is tried again after a
 * while, and after MAX_ATTEMPTS the import is marked failed for staff to see.
 */
export async function runProductImportJobs(
  db: Db,
  options: { log: JobLog; shouldStop?: () => boolean; maxRows?: number },
): Promise<number> {
  const shouldStop = options.shouldStop ?? (() => false)
  let done = 0
  while (!shouldStop()) {
    const token = randomUUID()
    const claimed = await claimNextImport(db, { token, now: nowIso(), lockedUntil: later(CHECK_LOCK_MS) })
    if (!claimed) break
    const step = claimed.status === 'checking' ? 'checked' : 'applied'
    if (claimed.attempts > MAX_ATTEMPTS) {
      await finishClaim(db, claimed.id, token, {
        status: 'failed',
        notice: `This file could not be ${step} after ${MAX_ATTEMPTS} tries, and nothing was imported. Upload it again; if that fails too, split it into smaller files.`,
        updated_at: nowIso(),
      })
      continue
    }
    try {
      const outcome = await (claimed.status === 'checking' ? checkImport : applyImport)(
        db,
        claimed.id,
        token,
        shouldStop,
        options.maxRows,
      )
      if (outcome === 'done') done++
    } catch (err) {
      options.log.error({ err, importId: claimed.id }, `a product import could not be ${step}; it is tried again later`)
      await finishClaim(db, claimed.id, token, { locked_until: later(RETRY_MS) }).catch(() => undefined)
    }
  }
  return done
}

/** How long a checked file may wait to be applied; after that it is removed and the import expires. */
export const IMPORT_KEPT_DAYS = 7
export const EXPIRED_NOTICE = `This file was checked more than ${IMPORT_KEPT_DAYS} days ago and never applied, so it was removed. Upload it again to import it.`
/** How often the import jobs look for imports to expire. */
const EXPIRE_EVERY_MS = 60 * 60 * 1000

/**
 * Imports checked (or given up on) and left unapplied for IMPORT_KEPT_DAYS
 * lose their stored file, which may be megabytes, and become expired; their
 * report stays to be read. Returns how many expired.
 */
export async function expireStaleImports(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - IMPORT_KEPT_DAYS * 86_400_000).toISOString()
  // One transaction: an expired import never keeps its file, however the process stops.
  return inTransaction(db, (trx) => expireImports(trx, before, now.toISOString(), EXPIRED_NOTICE))
}

/** Stops between two chunks; an import left half-checked is taken up again by the next process. */
export type RunningImports = Poller

/**
 * Runs the import jobs every `everyMs` and whenever woken (after an upload or
 * an application was queued), one run at a time; once an hour it also
 * expires the imports left unapplied.
 */
export function startProductImportJobs(options: { db: Db; log: JobLog; everyMs?: number }): RunningImports {
  let expiredAt = 0
  return startPoller({
    everyMs: options.everyMs ?? 2_000,
    run: async (isStopped) => {
      await runProductImportJobs(options.db, { log: options.log, shouldStop: isStopped })
      if (Date.now() - expiredAt >= EXPIRE_EVERY_MS) {
        await expireStaleImports(options.db)
        expiredAt = Date.now()
      }
      return false
    },
    onError: (err) => options.log.error({ err }, 'the product import jobs could not run; they run again soon'),
  })
}

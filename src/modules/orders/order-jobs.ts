import type { Db } from '../../db/connection.js'
import { nowIso } from '../../lib/time.js'
import { sweepIdempotencyKeys } from '../api-access/idempotency.js'
import { HOSTED_UNPAID_MINUTES } from '../payments/payment-methods.js'
import type { Payments } from '../payments/payments.js'
import { markPaymentChecked } from '../payments/payments.repository.js'
import { getShopSettings } from '../settings/settings.service.js'
import { cancelOrder, remindToPay } from './order-changes.js'
import { selectAwaitingPayment } from './orders.repository.js'
import { finishPendingRefunds } from './refunds.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** Orders handled per run; the next run takes the rest. */
const BATCH = 100

type JobLog = { warn(obj: object, msg: string): void }

export interface OrderJobsOptions {
  now: Date
  baseUrl: string
  payments: Payments
  log: JobLog
}

/**
 * The order jobs: an unpaid bank-transfer order is reminded after
 * `bankTransferReminderDays` and cancelled, its stock returned, after
 * `bankTransferCancelDays` (shop settings); an order left unpaid on Stripe's
 * page is cancelled after 30 minutes; a card refund left pending by a
 * process that stopped is finished (finishPendingRefunds); the API's idempotency keys are
 * swept after their 24 hours. Safe to run in several processes at
 * once: each reminder and cancellation is claimed by a guarded update, and
 * a cancellation only happens while the order is still unpaid.
 */
export async function runOrderJobs(db: Db, options: OrderJobsOptions) {
  const shop = await getShopSettings(db)
  const ago = (days: number) => new Date(options.now.getTime() - days * DAY_MS).toISOString()
  let cancelled = await cancelUnpaidHostedOrders(db, options)
  const lateTransfers = await selectAwaitingPayment(db, 'bank_transfer', ago(shop.bankTransferCancelDays), {
    limit: BATCH,
  })
  cancelled += await eachOrder(lateTransfers, options.log, async ({ id }) => {
    const result = await cancelOrder(db, id, {
      reason: `We had not received the bank transfer ${shop.bankTransferCancelDays} days after the order.`,
      baseUrl: options.baseUrl,
      unpaid: { paymentSessionId: null },
    })
    return result.kind === 'cancelled'
  })
  const cancelOn = new Date(
    options.now.getTime() + (shop.bankTransferCancelDays - shop.bankTransferReminderDays) * DAY_MS,
  )
  const toRemind = await selectAwaitingPayment(db, 'bank_transfer', ago(shop.bankTransferReminderDays), {
    unremindedOnly: true,
    limit: BATCH,
  })
  const reminded = await eachOrder(toRemind, options.log, ({ id }) =>
    remindToPay(db, id, { cancelOn, baseUrl: options.baseUrl }),
  )
  const refunds = await finishPendingRefunds(db, options.payments, {
    now: options.now,
    limit: BATCH,
    log: options.log,
  })
  // Housekeeping that rides on this minute's run: the API's idempotency keys past their 24 hours.
  await sweepIdempotencyKeys(db, options.now)
  return { reminded, cancelled, refunds }
}

/**
 * Cancels the orders paid on a provider's page that are still unpaid
 * HOSTED_UNPAID_MINUTES after they were placed, returning their stock. The
 * provider's payment is closed first, so it cannot be paid afterwards, and
 * the cancellation holds only if the order is still unpaid with no other
 * payment opened meanwhile. One the shopper has already paid (or started
 * paying) is left for its webhook and not looked at again.
 */
async function cancelUnpaidHostedOrders(db: Db, options: OrderJobsOptions): Promise<number> {
  const provider = options.payments.hosted('stripe')
  // Without the provider's keys its payments cannot be closed; cancelling could cancel a paid order.
  if (!provider) return 0
  const before = new Date(options.now.getTime() - HOSTED_UNPAID_MINUTES * 60_000).toISOString()
  const unpaid = await selectAwaitingPayment(db, provider.method, before, { uncheckedOnly: true, limit: BATCH })
  return eachOrder(unpaid, options.log, async (order) => {
    if (order.payment_session_id && (await provider.close(order.payment_session_id)) === 'completed') {
      await markPaymentChecked(db, order.id, nowIso())
      return false
    }
    const result = await cancelOrder(db, order.id, {
      reason: `The payment was not completed within ${HOSTED_UNPAID_MINUTES} minutes, so nothing was charged.`,
      baseUrl: options.baseUrl,
      unpaid: { paymentSessionId: order.payment_session_id },
    })
    return result.kind === 'cancelled'
  })
}

/** Works through the orders one by one: one that fails is logged and tried again on the next run, the others still done. */
async function eachOrder<T extends { id: number }>(
  orders: T[],
  log: JobLog,
  work: (order: T) => Promise<boolean>,
): Promise<number> {
  let done = 0
  for (const order of orders) {
    try {
      if (await work(order)) done++
    } catch (err) {
      log.warn({ err, orderId: order.id }, 'an order job failed for one order; the next run tries it again')
    }
  }
  return done
}

export interface RunningJobs {
  stop(): Promise<void>
}

/**
 * Runs the order jobs now and then `everyMs` after each run ends (so a slow
 * run, waiting on Stripe, never overlaps the next), until stopped; a failed
 * run is logged and the next one tries again.
 */
export function startOrderJobs(options: {
  db: Db
  baseUrl: string
  payments: Payments
  everyMs?: number
  log: { error(obj: object, msg: string): void } & JobLog
  /** Called after a run that put email in the outbox. */
  onEmail?: () => void
}): RunningJobs {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const run = () => {
    running = runOrderJobs(options.db, { ...options, now: new Date() })
      .then((done) => {
        if (done.reminded || done.cancelled) options.onEmail?.()
      })
      .catch((err) => options.log.error({ err }, 'the order jobs failed; they run again soon'))
      .finally(() => {
        if (stopped) return
        // Every minute: an unpaid card order is cancelled, and its stock back on sale, soon after its 30 minutes.
        timer = setTimeout(run, options.everyMs ?? 60_000)
        timer.unref()
      })
  }
  run()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

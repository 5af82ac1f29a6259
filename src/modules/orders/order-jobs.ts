import type { Db } from '../../db/connection.js'
import { cancelUnpaidHostedOrders } from '../payments/payment.service.js'
import type { Payments } from '../payments/payments.js'
import { getShopSettings } from '../settings/settings.service.js'
import { cancelOrder, remindToPay } from './order-changes.js'
import { selectAwaitingPayment } from './orders.repository.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** Orders handled per run; the next run takes the rest. */
const BATCH = 100

export interface OrderJobsOptions {
  now: Date
  baseUrl: string
  payments: Payments
  log: { warn(obj: object, msg: string): void }
}

/**
 * The order jobs: an unpaid bank-transfer order is reminded after
 * `bankTransferReminderDays` and cancelled, its stock returned, after
 * `bankTransferCancelDays` (shop settings); an order left unpaid on Stripe's
 * page is cancelled after 30 minutes. Safe to run in several processes at
 * once: each reminder and cancellation is claimed by a guarded update.
 */
export async function runOrderJobs(db: Db, options: OrderJobsOptions) {
  const shop = await getShopSettings(db)
  const ago = (days: number) => new Date(options.now.getTime() - days * DAY_MS).toISOString()
  let cancelled = await cancelUnpaidHostedOrders(db, options.payments, { ...options, limit: BATCH })
  for (const { id } of await selectAwaitingPayment(db, 'bank_transfer', ago(shop.bankTransferCancelDays), {
    unremindedOnly: false,
    limit: BATCH,
  })) {
    const result = await cancelOrder(db, id, {
      reason: `We had not received the bank transfer ${shop.bankTransferCancelDays} days after the order.`,
      baseUrl: options.baseUrl,
    })
    if (result.kind === 'cancelled') cancelled++
  }
  let reminded = 0
  for (const { id } of await selectAwaitingPayment(db, 'bank_transfer', ago(shop.bankTransferReminderDays), {
    unremindedOnly: true,
    limit: BATCH,
  })) {
    const cancelOn = new Date(
      options.now.getTime() + (shop.bankTransferCancelDays - shop.bankTransferReminderDays) * DAY_MS,
    )
    if (await remindToPay(db, id, { cancelOn, baseUrl: options.baseUrl })) reminded++
  }
  return { reminded, cancelled }
}

export interface RunningJobs {
  stop(): Promise<void>
}

/** Runs the order jobs now and then every `everyMs`, until stopped; a failed run is logged and the next one tries again. */
export function startOrderJobs(options: {
  db: Db
  baseUrl: string
  payments: Payments
  everyMs?: number
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void }
  /** Called after a run that put email in the outbox. */
  onEmail?: () => void
}): RunningJobs {
  let running: Promise<unknown> = Promise.resolve()
  const run = () => {
    running = runOrderJobs(options.db, { ...options, now: new Date() })
      .then((done) => {
        if (done.reminded || done.cancelled) options.onEmail?.()
      })
      .catch((err) => options.log.error({ err }, 'the order jobs failed; they run again soon'))
  }
  run()
  // Every minute: an unpaid card order is cancelled, and its stock back on sale, soon after its 30 minutes.
  const timer = setInterval(run, options.everyMs ?? 60_000)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}

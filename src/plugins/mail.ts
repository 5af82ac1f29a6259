import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import { mailboxTransport, smtpTransport } from '../modules/mail/mail.transport.js'
import { type MailWorkerOptions, type RunningWorker, startMailWorker } from '../modules/mail/mail.worker.js'
import { type RunningJobs, startOrderJobs } from '../modules/orders/order-jobs.js'
import type { Payments } from '../modules/payments/payments.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Call after a transaction that put email in the outbox: the worker in this process sends it now. */
    wakeMailWorker(): void
  }
}

/** Links in emails the jobs send: the shop's public address (required in production). */
export function jobsBaseUrl(config: Config): string {
  return config.publicUrl?.origin ?? `http://localhost:${config.port}`
}

export function mailWorkerOptions(config: Config, db: Db): MailWorkerOptions {
  return {
    db,
    transport: config.smtpUrl ? smtpTransport(config.smtpUrl) : mailboxTransport,
    fromAddress: config.mailFrom,
    messageIdDomain: config.publicUrl?.hostname ?? 'localhost',
  }
}

/**
 * Runs the outbox worker inside the server (RUN_WORKER, the default). With
 * RUN_WORKER=false the outbox waits for `npm run worker` in another process;
 * either way requests only ever write to the outbox.
 */
export const mailPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; db: Db; payments: Payments }) => {
    let worker: RunningWorker | null = null
    app.decorate('wakeMailWorker', () => worker?.wake())
    if (!opts.config.runWorker) return

    const options = { ...mailWorkerOptions(opts.config, opts.db), log: app.log }
    let jobs: RunningJobs | null = null
    app.addHook('onReady', async () => {
      worker = startMailWorker(options)
      // The order jobs (payment reminders, cancelling unpaid orders) run where the worker does.
      jobs = startOrderJobs({
        db: opts.db,
        baseUrl: jobsBaseUrl(opts.config),
        payments: opts.payments,
        log: app.log,
        onEmail: () => worker?.wake(),
      })
    })
    app.addHook('preClose', async () => {
      await jobs?.stop()
      await worker?.stop()
      options.transport.close()
    })
  },
  { name: 'shopfront-mail' },
)

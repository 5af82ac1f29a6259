import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from '../config.js'
import { checkConnection, createDb, describeDatabase } from '../db/connection.js'
import { migrateToLatest } from '../db/migrator.js'
import { startMailWorker } from '../modules/mail/mail.worker.js'
import { startOrderJobs } from '../modules/orders/order-jobs.js'
import { createPayments } from '../modules/payments/payments.js'
import { startProductImportJobs } from '../modules/product-imports/product-imports.job.js'
import { jobsBaseUrl, mailWorkerOptions } from '../plugins/mail.js'

/** npm run worker: delivers the outbox in a process of its own (run the server with RUN_WORKER=false). */
async function main() {
  const config = loadConfig()
  const db = createDb(config.database, config.databasePool)
  await checkConnection(db, config.database)
  await migrateToLatest(db)
  const options = mailWorkerOptions(config, db)
  const log = {
    warn: (obj: object, msg: string) => console.warn(msg, JSON.stringify(obj)),
    error: (obj: object, msg: string) => console.error(msg, JSON.stringify(obj)),
  }
  let worker: ReturnType<typeof startMailWorker> | undefined
  let jobs: ReturnType<typeof startOrderJobs> | undefined
  let imports: ReturnType<typeof startProductImportJobs> | undefined
  // Listen for SIGTERM before the first batch, so a stop at any moment is a clean one.
  closeWithGrace({ delay: 30_000 }, async () => {
    await imports?.stop()
    await jobs?.stop()
    await worker?.stop()
    options.transport.close()
    await db.destroy()
    console.log('Shopfront worker stopped.')
  })
  worker = startMailWorker({ ...options, log })
  jobs = startOrderJobs({
    db,
    baseUrl: jobsBaseUrl(config),
    payments: createPayments(config.stripe),
    log,
    onEmail: () => worker?.wake(),
  })
  imports = startProductImportJobs({ db, log })
  console.log(
    `Shopfront worker is delivering email (${options.transport.name}) and running the order jobs on ${describeDatabase(config.database)}`,
  )
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Worker failed: ${err.message}`)
  process.exit(1)
})

import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { checkConnection, createDb, describeDatabase } from './db/connection.js'
import { migrateToLatest } from './db/migrator.js'
import { createMediaStorage } from './lib/media-storage/index.js'
import { ownerSetupLink } from './modules/accounts/owner-setup.service.js'
import { demoAccounts, seedDemoIfEmpty } from './modules/demo/demo.seed.js'

/** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000

/** Migrates, loads the demo shop when asked and the database is empty, and listens. */
export async function startServer(config: Config): Promise<FastifyInstance> {
  const db = createDb(config.database, config.databasePool)
  await checkConnection(db, config.database)
  await migrateToLatest(db)
  let seeded = false
  if (config.seedDemo) {
    // The demo's pictures go where the shop will read them: the folder, or the bucket every machine shares.
    const media = await createMediaStorage(config.media)
    try {
      seeded = await seedDemoIfEmpty(db, {
        scrypt: config.passwordHashing,
        media,
        // The links in the demo orders' emails (the port is the one asked for: seeding comes before listening).
        baseUrl: config.publicUrl?.origin ?? `http://${displayHost(config.host)}:${config.port}`,
      })
    } finally {
      await media.close()
    }
  }

  const app = await buildApp(config)
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const shown = config.publicUrl?.origin ?? `http://${displayHost(config.host)}:${port}`
  if (seeded) app.log.info('loaded the demo shop into the empty database')
  console.log(`Shopfront is running at ${shown} (${config.env}, database ${describeDatabase(config.database)})`)

  const setup = await ownerSetupLink(db, shown)
  await db.destroy()
  if (setup)
    console.log(
      `The shop has no owner yet. Open this link to create the owner account (it works once, for 24 hours):\n  ${setup}`,
    )
  else if (config.seedDemo) {
    console.log('Demo sign-ins (unless you have changed them):')
    for (const account of demoAccounts)
      console.log(`  ${account.role.padEnd(8)} ${account.email}  password: ${account.password}`)
  }
  return app
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === 'localhost') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

async function main() {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`)
      process.exit(1)
    }
    throw err
  }
  const app = await startServer(config)
  // In-flight requests finish, new connections are refused, then the database closes (onClose).
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
    console.log('Shopfront stopped.')
  })
}

main().catch((err) => {
  console.error(`Shopfront could not start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})

import { ConfigError, loadConfig } from '../config.js'
import { checkConnection, createDb, describeDatabase } from '../db/connection.js'
import { migrateToLatest } from '../db/migrator.js'
import { createMediaStorage } from '../lib/media-storage/index.js'
import { createProgress } from '../lib/progress.js'
import { seedDemo } from '../modules/demo/demo.seed.js'
import { parseSeedArgs, UsageError } from '../modules/demo/seed-args.js'

async function main() {
  const sizes = parseSeedArgs(process.argv.slice(2))
  const config = loadConfig()
  const db = createDb(config.database, config.databasePool)
  await checkConnection(db, config.database)
  const media = await createMediaStorage(config.media)
  try {
    await migrateToLatest(db)
    await seedDemo(db, {
      sizes,
      progress: createProgress,
      scrypt: config.passwordHashing,
      media,
      baseUrl: config.publicUrl?.origin ?? `http://localhost:${config.port}`,
    })
    console.log(
      `Demo data is loaded into ${describeDatabase(config.database)}, its pictures into ${media.description}.`,
    )
  } finally {
    await media.close()
    await db.destroy()
  }
}

main().catch((err) => {
  if (err instanceof UsageError) console.error(err.message)
  else if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`)
  else console.error(`Seeding failed: ${err.message}`)
  process.exit(1)
})

import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.js'
import { checkConnection, createDb } from '../db/connection.js'
import { createMigrator, throwIfFailed } from '../db/migrator.js'

/** npm run db:migrate [-- --down]: brings the schema up to date, or undoes the latest migration. */
async function main() {
  const { values } = parseArgs({ options: { down: { type: 'boolean', default: false } } })
  const config = loadConfig()
  const db = createDb(config.database, config.databasePool)
  await checkConnection(db, config.database)
  try {
    const migrator = createMigrator(db)
    const result = values.down ? await migrator.migrateDown() : await migrator.migrateToLatest()
    for (const r of result.results ?? [])
      console.log(`${r.direction === 'Up' ? '↑' : '↓'} ${r.migrationName}: ${r.status}`)
    throwIfFailed(result)
    if (!result.results?.length) console.log('The database is up to date.')
  } finally {
    await db.destroy()
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Migration failed: ${err.message}`)
  process.exit(1)
})

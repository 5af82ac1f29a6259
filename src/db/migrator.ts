import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely'

// Beside src/ when run from source, beside dist/src/ when built: the same relative step reaches the migrations.
const migrationFolder = fileURLToPath(new URL('../../db/migrations', import.meta.url))

/**
 * Loads db/migrations/*.{ts,js} by name order (timestamp first). Kysely's own
 * FileMigrationProvider imports from inside node_modules, where neither tsx
 * nor Vitest can load a .ts file; importing from here lets both do so.
 */
export class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string = migrationFolder) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {}
    const files = (await readdir(this.folder)).filter((f) => /^\d{14}_[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    for (const file of files.sort()) {
      const module = (await import(pathToFileURL(join(this.folder, file)).href)) as Migration
      migrations[file.replace(/\.(ts|js)$/, '')] = module
    }
    return migrations
  }
}

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: new FolderMigrationProvider() })
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest()
  throwIfFailed(result)
  return result
}

export function throwIfFailed(result: MigrationResultSet): void {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error.message : String(result.error)
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error })
  }
}

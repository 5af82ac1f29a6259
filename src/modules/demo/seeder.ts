import type { Db } from '../../db/connection.js'
import type { MediaStorage } from '../../lib/media-storage/index.js'
import type { ProgressFactory } from '../../lib/progress.js'
import type { ScryptParams } from '../accounts/password.js'

/** A size option a seeder takes on the command line, such as --products 100000. */
export interface SeedOption {
  description: string
  default: number
  max: number
}

export interface Seeder {
  name: string
  /** Options it reads from the command line; `db:seed` accepts only options some seeder declares. */
  options: Record<string, SeedOption>
  /** Adds what is missing; running it twice leaves the same shop as running it once. */
  run(db: Db, context: SeedContext): Promise<void>
}

export interface SeedContext {
  sizes: Record<string, number>
  progress: ProgressFactory
  /** Cost of the demo accounts' password hashes (tests lower it). */
  scrypt: ScryptParams
  /** Where product images are stored: the store Config.media names. */
  media: MediaStorage
  /** The shop's origin, for the links in the emails the demo orders write. */
  baseUrl: string
}

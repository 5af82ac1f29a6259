import type { MediaConfig } from '../../config.js'
import { LocalMediaStorage } from './local.js'
import type { MediaStorage } from './storage.js'

export * from './storage.js'

/** The store the configuration names; see README.md beside this file. */
export async function createMediaStorage(config: MediaConfig): Promise<MediaStorage> {
  if (config.storage === 'local') return new LocalMediaStorage(config.dir)
  // Loaded only for a bucket: the AWS SDK takes a noticeable part of a second to import.
  const { S3MediaStorage } = await import('./s3.js')
  return new S3MediaStorage(config)
}

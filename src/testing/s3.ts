import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import type { S3MediaConfig } from '../config.js'
import { freePort } from './free-port.js'

/** The one key pair s3rver knows. It checks the key id, but not the signature: a wrong secret goes unnoticed. */
const ACCESS_KEY_ID = 'S3RVER'
const SECRET_ACCESS_KEY = 'S3RVER'

export interface TestS3 {
  endpoint: string
  bucket: string
  /** Settings for the bucket made at start; change one to get a store that refuses (another bucket, key id). */
  config(overrides?: Partial<S3MediaConfig>): S3MediaConfig
  /** The keys of every object in the bucket, sorted. */
  keys(): Promise<string[]>
  /** A client of its own, for looking at objects as another machine would. */
  client: S3Client
  stop(): Promise<void>
}

/**
 * A real S3-compatible server (s3rver) on a free loopback port, keeping its
 * objects in a temporary folder, with one empty bucket. Stop it afterwards.
 */
export async function startTestS3(bucket = 'shop-images'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'shopfront-s3-'))
  const port = await freePort()
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  })
  await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const config = (overrides: Partial<S3MediaConfig> = {}): S3MediaConfig => ({
    storage: 's3',
    endpoint,
    region: 'us-east-1',
    bucket,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    ...overrides,
  })
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  })
  return {
    endpoint,
    bucket,
    config,
    client,
    async keys() {
      const keys: string[] = []
      let token: string | undefined
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key)
        token = page.NextContinuationToken
      } while (token)
      return keys.sort()
    },
    async stop() {
      client.destroy()
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

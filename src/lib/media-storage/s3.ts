import { Readable } from 'node:stream'
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import type { S3MediaConfig } from '../../config.js'
import { assertMediaPath, type MediaInfo, type MediaObject, type MediaStorage, MediaStorageError } from './storage.js'

/** Kept on the object too, so a CDN or anyone serving the bucket directly caches it as the shop does. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable'

/**
 * Product images in a bucket of Amazon S3 or any S3-compatible store (MinIO,
 * Cloudflare R2, Garage, Ceph, …), so every app process on every machine
 * reads and writes the same files. Objects are named exactly as the local
 * folder's files are (`ab/abcdef…-640.webp`), at the root of the bucket.
 */
export class S3MediaStorage implements MediaStorage {
  readonly description: string
  readonly #bucket: string
  readonly #client: S3Client

  constructor(config: S3MediaConfig) {
    this.#bucket = config.bucket
    this.description = `the S3 bucket ${config.bucket}${config.endpoint ? ` at ${config.endpoint}` : ` in ${config.region}`}`
    this.#client = new S3Client({
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      ...(config.endpoint
        ? {
            endpoint: config.endpoint,
            // Other stores seldom have a host name per bucket (bucket.s3.example.com); the path always works.
            forcePathStyle: true,
            // The SDK's default checksum headers (CRC32 on every upload) are refused by some other stores; the
            // signed request already carries a hash of the body.
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
      // One retry: a picture on a page or an upload waits for a store that is down only so long.
      maxAttempts: 2,
      requestHandler: {
        connectionTimeout: 3000,
        requestTimeout: 10_000,
        throwOnRequestTimeout: true,
        socketTimeout: 10_000,
      },
    })
  }

  /**
   * A 403 counts as absent: Amazon S3 answers 403 rather than 404 for a
   * missing object when the key may not list the bucket. Storing it then
   * costs one write; if the key may not write either, that write says so.
   */
  async has(path: string): Promise<boolean> {
    try {
      return (await this.head(path)) !== undefined
    } catch (err) {
      if (err instanceof MediaStorageError && statusOf(err.cause) === 403) return false
      throw err
    }
  }

  async put(path: string, bytes: Buffer, contentType: string): Promise<void> {
    assertMediaPath(path)
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: path,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.length,
          CacheControl: CACHE_CONTROL,
        }),
      )
    } catch (err) {
      throw this.#failure('write', path, err)
    }
  }

  async head(path: string): Promise<MediaInfo | undefined> {
    assertMediaPath(path)
    try {
      return info(await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: path })))
    } catch (err) {
      // A HEAD answer has no body to tell a missing bucket from a missing object; a write tells them apart.
      if (statusOf(err) === 404) return undefined
      throw this.#failure('look at', path, err)
    }
  }

  async get(path: string): Promise<MediaObject | undefined> {
    assertMediaPath(path)
    let output: GetObjectCommandOutput
    try {
      output = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: path }))
    } catch (err) {
      if (statusOf(err) === 404 && (err as Error).name !== 'NoSuchBucket') return undefined
      throw this.#failure('read', path, err)
    }
    // In Node the body is the HTTP response itself, a stream.
    if (!(output.Body instanceof Readable)) throw new MediaStorageError(`read ${path}: the answer had no body`)
    return { ...info(output), body: output.Body }
  }

  async close(): Promise<void> {
    this.#client.destroy()
  }

  #failure(action: string, path: string, err: unknown): MediaStorageError {
    // The SDK's name and message (NoSuchBucket, InvalidAccessKeyId, ECONNREFUSED…) never hold the secret key.
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    return new MediaStorageError(`could not ${action} ${path} in ${this.description} (${reason})`, { cause: err })
  }
}

function info(output: HeadObjectCommandOutput | GetObjectCommandOutput): MediaInfo {
  return {
    contentType: output.ContentType ?? 'application/octet-stream',
    contentLength: output.ContentLength ?? null,
    etag: output.ETag ?? null,
    lastModified: output.LastModified ?? null,
  }
}

/** The HTTP status the store answered with; undefined when it did not answer at all. */
function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode
}

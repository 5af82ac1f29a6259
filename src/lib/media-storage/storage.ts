import type { Readable } from 'node:stream'

/**
 * A path in the store: plain names joined by `/`, none starting with a dot
 * (no `..`, no dotfiles such as the local store's half-written `.name.tmp`),
 * no empty segment. The media plugin checks a URL against it before the
 * store is asked, and each store refuses any other path.
 */
export const MEDIA_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/

/** Seconds a browser is asked to wait before asking again when the store cannot answer. */
export const MEDIA_RETRY_AFTER_SECONDS = 5

/** What the store knows of a file, without its bytes. */
export interface MediaInfo {
  contentType: string
  /** Bytes; null when the store did not say. */
  contentLength: number | null
  /** A validator for conditional requests, quoted as HTTP sends it; null when the store keeps none. */
  etag: string | null
  lastModified: Date | null
}

export interface MediaObject extends MediaInfo {
  /** The bytes, to be read once (or destroyed). */
  body: Readable
}

/**
 * Where product images are kept: a folder on this machine, or a bucket that
 * several machines share. Files are written once under a name made from
 * their content and never changed, so a store needs no locking, listing or
 * deleting. Every failure of the store itself (unreachable, credentials or
 * bucket refused, disk full) is a MediaStorageError; a file that is not
 * there is simply false or undefined.
 */
export interface MediaStorage {
  /** Where the files go, for logs and start-up messages; never a secret. */
  readonly description: string
  has(path: string): Promise<boolean>
  /** Stores the bytes whole or not at all: no reader ever sees part of a file. */
  put(path: string, bytes: Buffer, contentType: string): Promise<void>
  head(path: string): Promise<MediaInfo | undefined>
  get(path: string): Promise<MediaObject | undefined>
  /** Lets go of open connections; the store is not used afterwards. */
  close(): Promise<void>
}

/** The store could not do what was asked. Its cause, for the log, says why; people are told only that it failed. */
export class MediaStorageError extends Error {
  override name = 'MediaStorageError'
}

/** A path no store takes: a caller's mistake, since every caller checks or builds paths itself. */
export function assertMediaPath(path: string): void {
  if (!MEDIA_PATH.test(path)) throw new Error(`not a media path: ${JSON.stringify(path)}`)
}

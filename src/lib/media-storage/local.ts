import { randomBytes } from 'node:crypto'
import type { Stats } from 'node:fs'
import { type FileHandle, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { assertMediaPath, type MediaInfo, type MediaObject, type MediaStorage, MediaStorageError } from './storage.js'

/** A folder keeps no content type beside a file: it is read from the name, as a static file server would. */
const TYPES: Record<string, string> = {
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.avif': 'image/avif',
}

/** Errors that mean "no such file" rather than "the disk failed". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR'])

/** Product images in a folder on this machine (MEDIA_DIR): the default, for one machine. */
export class LocalMediaStorage implements MediaStorage {
  readonly description: string

  constructor(readonly dir: string) {
    this.description = `the folder ${dir}`
  }

  async has(path: string): Promise<boolean> {
    return (await this.head(path)) !== undefined
  }

  /**
   * Written beside the target under a dot-name (never served) and renamed,
   * so no one ever sees half a file; the folder is made on the first write.
   */
  async put(path: string, bytes: Buffer, _contentType: string): Promise<void> {
    const file = this.#file(path)
    const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await mkdir(dirname(file), { recursive: true })
      await writeFile(temporary, bytes)
      await rename(temporary, file)
    } catch (err) {
      await rm(temporary, { force: true }).catch(() => {})
      throw new MediaStorageError(`could not write ${path} in ${this.description}`, { cause: err })
    }
  }

  async head(path: string): Promise<MediaInfo | undefined> {
    const file = this.#file(path)
    let stats: Stats
    try {
      stats = await stat(file)
    } catch (err) {
      if (absent(err)) return undefined
      throw new MediaStorageError(`could not look at ${path} in ${this.description}`, { cause: err })
    }
    return stats.isFile() ? info(file, stats) : undefined
  }

  async get(path: string): Promise<MediaObject | undefined> {
    const file = this.#file(path)
    let handle: FileHandle | undefined
    try {
      // Opened first and measured through the handle: the size sent is the size of the bytes read.
      handle = await open(file, 'r')
      const stats = await handle.stat()
      if (!stats.isFile()) {
        await handle.close()
        return undefined
      }
      return { ...info(file, stats), body: handle.createReadStream() }
    } catch (err) {
      await handle?.close().catch(() => {})
      if (absent(err)) return undefined
      throw new MediaStorageError(`could not read ${path} in ${this.description}`, { cause: err })
    }
  }

  async close(): Promise<void> {}

  #file(path: string): string {
    // The pattern keeps every path inside the folder: no `..`, no absolute path, no dotfile.
    assertMediaPath(path)
    return join(this.dir, ...path.split('/'))
  }
}

function info(file: string, stats: Stats): MediaInfo {
  return {
    contentType: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    contentLength: stats.size,
    // The same shape as a static file server's: a file is replaced only whole (rename), never edited in place.
    etag: `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
    lastModified: stats.mtime,
  }
}

function absent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && ABSENT.has(code)
}

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type MediaObject, MediaStorageError } from './index.js'
import { LocalMediaStorage } from './local.js'

describe('the local media folder', () => {
  let dir: string
  let store: LocalMediaStorage
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shopfront-media-local-'))
    store = new LocalMediaStorage(join(dir, 'media'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('stores a file under its path, making the folders, and leaves no temporary file behind', async () => {
    expect(await store.has('ab/abc-320.webp')).toBe(false)
    await store.put('ab/abc-320.webp', Buffer.from('webp bytes'), 'image/webp')
    expect(readFileSync(join(dir, 'media', 'ab', 'abc-320.webp'), 'utf8')).toBe('webp bytes')
    expect(readdirSync(join(dir, 'media', 'ab'))).toEqual(['abc-320.webp'])
    expect(await store.has('ab/abc-320.webp')).toBe(true)
  })

  it('reads a file back with its type (by its name), size and a validator', async () => {
    await store.put('ab/abc-640.jpg', Buffer.from('jpeg bytes'), 'image/jpeg')
    const head = await store.head('ab/abc-640.jpg')
    expect(head).toMatchObject({ contentType: 'image/jpeg', contentLength: 10, etag: expect.stringMatching(/^W\/"/) })
    const object = await store.get('ab/abc-640.jpg')
    expect(object).toMatchObject({ contentType: 'image/jpeg', contentLength: 10, etag: head?.etag })
    expect(object).toBeDefined()
    expect(await text((object as MediaObject).body)).toBe('jpeg bytes')
  })

  it('finds nothing where there is no file: a missing one, a folder, or a path through a file', async () => {
    mkdirSync(join(dir, 'media', 'cd'), { recursive: true })
    writeFileSync(join(dir, 'media', 'cd', 'file'), 'x')
    for (const path of ['ab/missing.webp', 'cd', 'cd/file/below']) {
      expect(await store.head(path), path).toBeUndefined()
      expect(await store.get(path), path).toBeUndefined()
      expect(await store.has(path), path).toBe(false)
    }
  })

  it('refuses a path that could leave the folder or name a hidden file, before touching the disk', async () => {
    writeFileSync(join(dir, 'secret'), 'not for anyone')
    for (const path of ['../secret', 'ab/../../secret', '/etc/passwd', '.hidden', 'ab/.x.tmp', 'ab//c', '', 'ab/']) {
      await expect(store.get(path), path).rejects.toThrow(/not a media path/)
      await expect(store.put(path, Buffer.from('x'), 'text/plain'), path).rejects.toThrow(/not a media path/)
    }
  })

  it('reports a disk that cannot take the file as a MediaStorageError, cleaning up after itself', async () => {
    mkdirSync(join(dir, 'media'), { recursive: true })
    writeFileSync(join(dir, 'media', 'ab'), 'a file where the folder should be')
    const noFolder = store.put('ab/abc-320.webp', Buffer.from('x'), 'image/webp')
    await expect(noFolder).rejects.toBeInstanceOf(MediaStorageError)
    await expect(noFolder).rejects.toThrow(/^could not write ab\/abc-320\.webp in the folder /)

    // Written, then not renamed into place (a folder is there): the temporary file goes.
    mkdirSync(join(dir, 'media', 'cd', 'abc-320.webp', 'inside'), { recursive: true })
    await expect(store.put('cd/abc-320.webp', Buffer.from('x'), 'image/webp')).rejects.toBeInstanceOf(MediaStorageError)
    expect(readdirSync(join(dir, 'media', 'cd'))).toEqual(['abc-320.webp'])
  })
})

import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../testing/free-port.js'
import { startTestS3, type TestS3 } from '../../testing/s3.js'
import { createMediaStorage, type MediaObject, type MediaStorage, MediaStorageError } from './index.js'

describe('the S3 media store, against s3rver', () => {
  let s3: TestS3
  let store: MediaStorage
  beforeAll(async () => {
    s3 = await startTestS3()
    store = await createMediaStorage(s3.config())
  })
  afterAll(async () => {
    await store?.close()
    await s3?.stop()
  })

  it('puts an object at the root of the bucket and reads it back with its type, size and ETag', async () => {
    expect(await store.has('ab/abc-320.webp')).toBe(false)
    await store.put('ab/abc-320.webp', Buffer.from('webp bytes'), 'image/webp')
    expect(await s3.keys()).toEqual(['ab/abc-320.webp'])
    expect(await store.has('ab/abc-320.webp')).toBe(true)
    const head = await store.head('ab/abc-320.webp')
    expect(head).toMatchObject({ contentType: 'image/webp', contentLength: 10, etag: expect.stringMatching(/^"\w+"$/) })
    const object = await store.get('ab/abc-320.webp')
    expect(object).toMatchObject({ contentType: 'image/webp', contentLength: 10, etag: head?.etag })
    expect(object).toBeDefined()
    expect(await text((object as MediaObject).body)).toBe('webp bytes')
  })

  it('finds nothing for an object that is not there', async () => {
    expect(await store.has('ab/missing.jpg')).toBe(false)
    expect(await store.head('ab/missing.jpg')).toBeUndefined()
    expect(await store.get('ab/missing.jpg')).toBeUndefined()
  })

  it('refuses a path the local folder would refuse too', async () => {
    await expect(store.put('../escape', Buffer.from('x'), 'text/plain')).rejects.toThrow(/not a media path/)
    await expect(store.get('ab/.hidden')).rejects.toThrow(/not a media path/)
  })

  it('tells a missing bucket from a missing object when reading or writing', async () => {
    const elsewhere = await createMediaStorage(s3.config({ bucket: 'no-such-bucket' }))
    try {
      await expect(elsewhere.get('ab/abc-320.webp')).rejects.toThrow(/NoSuchBucket/)
      await expect(elsewhere.put('ab/x.webp', Buffer.from('x'), 'image/webp')).rejects.toThrow(/NoSuchBucket/)
    } finally {
      await elsewhere.close()
    }
  })

  it('takes a 403 on looking as "not there" (a key that may not list), but not on reading or writing', async () => {
    const refused = await createMediaStorage(s3.config({ accessKeyId: 'NOT-A-KEY' }))
    try {
      expect(await refused.has('ab/abc-320.webp')).toBe(false)
      await expect(refused.head('ab/abc-320.webp')).rejects.toBeInstanceOf(MediaStorageError)
      await expect(refused.get('ab/abc-320.webp')).rejects.toThrow(/InvalidAccessKeyId/)
      await expect(refused.put('ab/x.webp', Buffer.from('x'), 'image/webp')).rejects.toThrow(/InvalidAccessKeyId/)
    } finally {
      await refused.close()
    }
  })

  it('fails every call with a MediaStorageError when the store cannot be reached', async () => {
    const down = await createMediaStorage(s3.config({ endpoint: `http://127.0.0.1:${await freePort()}` }))
    try {
      for (const call of [
        () => down.has('ab/abc-320.webp'),
        () => down.head('ab/abc-320.webp'),
        () => down.get('ab/abc-320.webp'),
        () => down.put('ab/x.webp', Buffer.from('x'), 'image/webp'),
      ]) {
        await expect(call()).rejects.toThrow(MediaStorageError)
      }
    } finally {
      await down.close()
    }
  })
})

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MediaStorageError } from '../../lib/media-storage/index.js'
import { LocalMediaStorage } from '../../lib/media-storage/local.js'
import { createEta } from '../../plugins/views.js'
import { htmlErrors } from '../../testing/html.js'
import {
  IMAGE_WIDTHS,
  type ImageFormat,
  ImageRejected,
  imageKey,
  imagePath,
  imageUrl,
  pictureData,
  storeImage,
  widthsFor,
} from './images.js'

const picture = (width: number, height: number, options: { alpha?: boolean } = {}) =>
  sharp({
    create: {
      width,
      height,
      channels: options.alpha ? 4 : 3,
      background: options.alpha ? { r: 200, g: 80, b: 40, alpha: 0 } : { r: 200, g: 80, b: 40 },
    },
  })

let mediaDir: string
let media: LocalMediaStorage
beforeEach(() => {
  mediaDir = mkdtempSync(join(tmpdir(), 'shopfront-images-'))
  media = new LocalMediaStorage(mediaDir)
})
/** Where the local store keeps a generated file. */
const file = (key: string, width: number, format: ImageFormat) => join(mediaDir, imagePath(key, width, format))
afterEach(() => rmSync(mediaDir, { recursive: true, force: true }))

describe('storeImage', () => {
  it('writes WebP and JPEG at every width the original can fill, keeping its proportions', async () => {
    const stored = await storeImage(media, await picture(2000, 1500).jpeg().toBuffer())
    expect(stored).toMatchObject({ width: 2000, height: 1500, widths: [320, 640, 1200] })
    expect(stored.key).toMatch(/^[0-9a-f]{32}$/)
    for (const width of IMAGE_WIDTHS) {
      const webp = await sharp(file(stored.key, width, 'webp')).metadata()
      expect(webp).toMatchObject({ format: 'webp', width, height: Math.round(width * 0.75) })
      const jpg = await sharp(file(stored.key, width, 'jpg')).metadata()
      expect(jpg).toMatchObject({ format: 'jpeg', width, height: Math.round(width * 0.75) })
    }
    expect(readdirSync(join(mediaDir, stored.key.slice(0, 2)))).toHaveLength(6)
  })

  it('makes only the widths a smaller original can fill, and always the smallest width', async () => {
    const medium = await storeImage(media, await picture(800, 800).png().toBuffer())
    expect(medium.widths).toEqual([320, 640])
    expect(existsSync(file(medium.key, 1200, 'webp'))).toBe(false)

    const tiny = await storeImage(media, await picture(100, 50).png().toBuffer())
    expect(tiny).toMatchObject({ width: 100, height: 50, widths: [320] })
    expect(await sharp(file(tiny.key, 320, 'jpg')).metadata()).toMatchObject({ width: 320, height: 160 })
    expect(widthsFor(1200)).toEqual([320, 640, 1200])
  })

  it('turns a photo upright by its EXIF orientation and drops the EXIF data', async () => {
    // Orientation 6: stored 400 × 200, shown rotated a quarter turn.
    const input = await picture(400, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer()
    const stored = await storeImage(media, input)
    expect(stored).toMatchObject({ width: 200, height: 400 })
    const jpg = await sharp(file(stored.key, 320, 'jpg')).metadata()
    expect(jpg).toMatchObject({ width: 320, height: 640 })
    expect(jpg.exif).toBeUndefined()
    expect(jpg.orientation).toBeUndefined()
  })

  it('gives the same bytes the same key and does not write their files again', async () => {
    const input = await picture(700, 500).webp().toBuffer()
    const first = await storeImage(media, input)
    const path = file(first.key, 640, 'webp')
    const before = statSync(path).mtimeMs
    await new Promise((resolve) => setTimeout(resolve, 30))

    const second = await storeImage(media, input)
    expect(second).toEqual(first)
    expect(statSync(path).mtimeMs).toBe(before)

    // A file lost from the disk is made again; the others are left alone.
    rmSync(file(first.key, 320, 'jpg'))
    await storeImage(media, input)
    expect(existsSync(file(first.key, 320, 'jpg'))).toBe(true)
    expect(statSync(path).mtimeMs).toBe(before)
    expect(readdirSync(join(mediaDir, first.key.slice(0, 2))).filter((name) => name.startsWith('.'))).toEqual([])
  })

  it('decides the format by the content, not the name: a PNG sent as photo.jpg is taken as a PNG', async () => {
    // Storing takes bytes only, so a misleading name cannot matter; the transparency shows it was read as PNG.
    const png = await picture(640, 480, { alpha: true }).png().toBuffer()
    const stored = await storeImage(media, png)
    const webp = await sharp(file(stored.key, 640, 'webp')).metadata()
    expect(webp.hasAlpha).toBe(true)
    // JPEG has no transparency: the picture is laid on white.
    const { data } = await sharp(file(stored.key, 640, 'jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true })
    expect([...data.subarray(0, 3)].every((channel) => channel > 245)).toBe(true)
  })

  it('takes AVIF', async () => {
    const stored = await storeImage(media, await picture(400, 300).avif().toBuffer())
    expect(stored).toMatchObject({ width: 400, height: 300, widths: [320] })
  })

  it.each([
    [
      'an SVG',
      async () =>
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><rect width="800" height="800"/></svg>',
        ),
    ],
    ['an HTML page', async () => Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
    ['a GIF', () => picture(400, 300).gif().toBuffer()],
    ['a TIFF', () => picture(400, 300).tiff().toBuffer()],
    ['an empty file', async () => Buffer.alloc(0)],
  ])('refuses %s with a message for people', async (_name, make) => {
    const attempt = storeImage(media, await make())
    await expect(attempt).rejects.toBeInstanceOf(ImageRejected)
    await expect(attempt).rejects.toThrow(/JPEG, PNG, WebP or AVIF/)
    expect(readdirSync(mediaDir)).toEqual([])
  })

  it('takes an SVG the shop drew itself when asked to', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><rect width="1200" height="900" fill="#8a9"/></svg>',
    )
    expect(await storeImage(media, svg, { allowSvg: true })).toMatchObject({
      width: 1200,
      height: 900,
      widths: [320, 640, 1200],
    })
  })

  it('reports a store that cannot keep the files as the store’s failure, not as a bad picture', async () => {
    const input = await picture(700, 500).jpeg().toBuffer()
    // A file where the key's folder should be: every write under it fails.
    writeFileSync(join(mediaDir, imageKey(input).slice(0, 2)), 'in the way')
    const attempt = storeImage(media, input)
    await expect(attempt).rejects.toBeInstanceOf(MediaStorageError)
    await expect(attempt).rejects.toThrow(/could not write/)
  })

  it('refuses a truncated photo', async () => {
    const jpeg = await picture(1600, 1200).jpeg().toBuffer()
    await expect(storeImage(media, jpeg.subarray(0, 400))).rejects.toBeInstanceOf(ImageRejected)
  })
})

describe('pictureData', () => {
  const key = '0123456789abcdef0123456789abcdef'

  it('lists every width in both formats and takes a middle width as the fallback', () => {
    const data = pictureData({ key, width: 2000, height: 1500, widths: '[320,640,1200]' }, 'A mug', '50vw')
    expect(imageUrl(key, 640, 'webp')).toBe(`/media/01/${key}-640.webp`)
    expect(data).toEqual({
      webpSrcset: `/media/01/${key}-320.webp 320w, /media/01/${key}-640.webp 640w, /media/01/${key}-1200.webp 1200w`,
      jpgSrcset: `/media/01/${key}-320.jpg 320w, /media/01/${key}-640.jpg 640w, /media/01/${key}-1200.jpg 1200w`,
      src: `/media/01/${key}-640.jpg`,
      width: 1200,
      height: 900,
      alt: 'A mug',
      sizes: '50vw',
      loading: 'lazy',
    })
  })

  it('loads the page’s main image at once and first when it is eager', () => {
    const data = pictureData({ key, width: 500, height: 1000, widths: [320] }, '', '100vw', true)
    expect(data).toMatchObject({ src: `/media/01/${key}-320.jpg`, width: 320, height: 640, loading: 'eager' })
    expect(data.fetchpriority).toBe('high')
  })
})

describe('the picture partial', () => {
  const eta = createEta(false)
  const key = 'fedcba9876543210fedcba9876543210'
  const image = { key, width: 1600, height: 1200, widths: [320, 640, 1200] }

  it('renders valid HTML with a WebP source, a JPEG fallback and the size reserved', async () => {
    const html = eta.render('/partials/picture', pictureData(image, 'A "speckled" mug & saucer', '33vw', true))
    expect(
      await htmlErrors(`<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>${html}</body></html>`),
    ).toEqual([])
    expect(html).toContain('<source type="image/webp"')
    expect(html).toContain('width="1200" height="900"')
    expect(html).toContain('alt="A &quot;speckled&quot; mug &amp; saucer"')
    expect(html).toContain('loading="eager" decoding="async" fetchpriority="high"')
  })

  it('lets images below the fold wait, with no fetch priority', () => {
    const html = eta.render('/partials/picture', { ...pictureData(image, 'A mug', '33vw'), className: 'card-image' })
    expect(html).toContain('class="card-image" loading="lazy"')
    expect(html).not.toContain('fetchpriority')
  })
})

import { createHash } from 'node:crypto'
import sharp, { type Metadata, type OutputInfo } from 'sharp'
import type { MediaStorage } from '../../lib/media-storage/index.js'

/** The widths every product image is served at; a page picks one through srcset. */
export const IMAGE_WIDTHS: readonly number[] = [320, 640, 1200]

export type ImageFormat = 'webp' | 'jpg'
const FORMATS: readonly ImageFormat[] = ['webp', 'jpg']
const CONTENT_TYPES: Record<ImageFormat, string> = { webp: 'image/webp', jpg: 'image/jpeg' }

/** Hex characters of the SHA-256 kept as the key: 128 bits, plenty against collisions. */
const KEY_LENGTH = 32
/** A larger picture would take hundreds of megabytes to decode: 100 megapixels is beyond any phone's default. */
const MAX_INPUT_PIXELS = 100_000_000
const WEBP_QUALITY = 75
const JPEG_QUALITY = 78

/** An upload that is not an image the shop takes; the message is written for the person who sent it. */
export class ImageRejected extends Error {
  override name = 'ImageRejected'
}

export interface StoredImage {
  /** The first 32 hex characters of the SHA-256 of the original file; the stored files are named by it. */
  key: string
  /** Size of the original, upright (after its EXIF orientation). */
  width: number
  height: number
  /** The generated widths, ascending. */
  widths: number[]
}

export interface StoreImageOptions {
  /** Accept SVG input: only for SVG the shop drew itself (the demo illustrations), never for uploads. */
  allowSvg?: boolean
  /**
   * Encode about three times faster for files about 10% (WebP) and 10–30%
   * (JPEG, the fallback few browsers fetch) larger: for storing many images
   * at once, such as the demo shop's. An upload takes the thorough default.
   */
  quick?: boolean
}

/** The key a file is stored under: the same bytes always give the same key, so storing is idempotent. */
export function imageKey(input: Buffer): string {
  return createHash('sha256').update(input).digest('hex').slice(0, KEY_LENGTH)
}

/** The widths generated for an original `width` wide: those it can fill, and at least the smallest. */
export function widthsFor(width: number): number[] {
  const fitting = IMAGE_WIDTHS.filter((w) => w <= width)
  return fitting.length > 0 ? fitting : IMAGE_WIDTHS.slice(0, 1)
}

/** Where a generated file lives in the media store: a folder per first two characters keeps folders small. */
export function imagePath(key: string, width: number, format: ImageFormat): string {
  return `${key.slice(0, 2)}/${key}-${width}.${format}`
}

/** The URL a generated file is served at (by src/plugins/media.ts, cached for ever: the name is the content). */
export function imageUrl(key: string, width: number, format: ImageFormat): string {
  return `/media/${imagePath(key, width, format)}`
}

/**
 * Stores an image as WebP and JPEG at each width of IMAGE_WIDTHS it can fill,
 * upright and without its metadata (EXIF, with any GPS position, is dropped).
 * The format is decided by the content, never the file name: JPEG, PNG, WebP
 * and AVIF are taken. Storing the same bytes again writes nothing. Throws
 * ImageRejected for a file that is not such a picture, and the store's
 * MediaStorageError when it cannot keep the files.
 */
export async function storeImage(
  media: MediaStorage,
  input: Buffer,
  options: StoreImageOptions = {},
): Promise<StoredImage> {
  const meta = await readMetadata(input)
  if (!isAccepted(meta, options.allowSvg === true)) {
    throw new ImageRejected('This file is not a picture the shop can use. Upload a JPEG, PNG, WebP or AVIF image.')
  }
  const { width, height } = meta.autoOrient ?? meta
  if (!width || !height) throw new ImageRejected('This picture has no size; it may be damaged. Try another file.')
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ImageRejected(
      'This picture is too large. Upload one of at most 100 megapixels (for example 10,000 × 10,000).',
    )
  }

  const key = imageKey(input)
  const widths = widthsFor(width)
  const files = widths.flatMap((w) => FORMATS.map((format) => ({ width: w, format, path: imagePath(key, w, format) })))
  // Asked all at once: against a bucket each question is a round trip.
  const present = await Promise.all(files.map((file) => media.has(file.path)))
  const missing = files.filter((_, i) => !present[i])
  if (missing.length > 0) await generate(input, widths, missing, media, options.quick === true)
  return { key, width, height, widths }
}

async function readMetadata(input: Buffer): Promise<Metadata> {
  try {
    return await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()
  } catch {
    throw new ImageRejected('This file is not a picture the shop can read. Upload a JPEG, PNG, WebP or AVIF image.')
  }
}

function isAccepted(meta: Metadata, allowSvg: boolean): boolean {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
      return true
    case 'heif':
      // AVIF is HEIF with AV1 inside; HEIC (HEVC) is not something every browser shows.
      return meta.compression === 'av1'
    case 'svg':
      return allowSvg
    default:
      return false
  }
}

/**
 * Decodes (or rasterises) the original once, at the largest width, and makes
 * every smaller size from those pixels: an SVG or a large photo is the costly
 * part, and is read only once.
 */
async function generate(
  input: Buffer,
  widths: number[],
  missing: { width: number; format: ImageFormat; path: string }[],
  media: MediaStorage,
  quick: boolean,
): Promise<void> {
  const largest = Math.max(...widths)
  let master: { data: Buffer; info: OutputInfo }
  try {
    master = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: largest })
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch {
    throw new ImageRejected('This picture could not be read to the end; it may be damaged. Try another file.')
  }
  let { data } = master
  let channels = master.info.channels
  // An alpha channel that is opaque throughout (every SVG has one) only slows the encoders down.
  if ((channels === 2 || channels === 4) && isOpaque(data, channels)) {
    data = await sharp(data, { raw: { width: master.info.width, height: master.info.height, channels } })
      .removeAlpha()
      .raw()
      .toBuffer()
    channels = channels === 4 ? 3 : 1
  }
  const raw = { width: master.info.width, height: master.info.height, channels }
  // Every write settles before this returns, so a failure leaves nothing still being written behind it.
  const writes = await Promise.allSettled(
    missing.map(async ({ width, format, path }) => {
      let pipeline = sharp(data, { raw })
      if (width !== raw.width) pipeline = pipeline.resize({ width })
      pipeline =
        format === 'webp'
          ? pipeline.webp({ quality: WEBP_QUALITY, effort: quick ? 2 : 4 })
          : pipeline
              .flatten({ background: '#ffffff' })
              .jpeg({ quality: JPEG_QUALITY, mozjpeg: true, trellisQuantisation: !quick })
      await media.put(path, await pipeline.toBuffer(), CONTENT_TYPES[format])
    }),
  )
  const failed = writes.find((write): write is PromiseRejectedResult => write.status === 'rejected')
  if (failed) throw failed.reason
}

function isOpaque(pixels: Buffer, channels: 2 | 4): boolean {
  for (let i = channels - 1; i < pixels.length; i += channels) if (pixels[i] !== 255) return false
  return true
}

/** An image as the database keeps it (widths as JSON text) or as storeImage returned it. */
export interface PictureSource {
  key: string
  width: number
  height: number
  widths: string | readonly number[]
}

/** What views/partials/picture.eta needs to show an image. */
export interface PictureData {
  webpSrcset: string
  jpgSrcset: string
  /** The JPEG at a middle width, for browsers without srcset. */
  src: string
  /** Of the largest generated file, so the browser reserves the right box before it loads. */
  width: number
  height: number
  alt: string
  sizes: string
  loading: 'lazy' | 'eager'
  fetchpriority?: 'high'
}

/**
 * The data for a responsive <picture>. `sizes` says how wide the image is
 * shown (e.g. '(min-width: 60em) 33vw, 100vw'); `eager` is for the one image
 * that is the page's largest paint (a product page's first photo): it loads
 * at once and first, where every other image waits until it is near the view.
 */
export function pictureData(image: PictureSource, alt: string, sizes: string, eager = false): PictureData {
  const widths = parseWidths(image.widths)
  const largest = widths[widths.length - 1] as number
  const srcset = (format: ImageFormat) => widths.map((w) => `${imageUrl(image.key, w, format)} ${w}w`).join(', ')
  return {
    webpSrcset: srcset('webp'),
    jpgSrcset: srcset('jpg'),
    src: imageUrl(image.key, widths[Math.floor(widths.length / 2)] as number, 'jpg'),
    width: largest,
    height: Math.max(1, Math.round((largest * image.height) / image.width)),
    alt,
    sizes,
    loading: eager ? 'eager' : 'lazy',
    ...(eager ? { fetchpriority: 'high' as const } : {}),
  }
}

function parseWidths(widths: string | readonly number[]): number[] {
  const list: unknown = typeof widths === 'string' ? JSON.parse(widths) : widths
  if (!Array.isArray(list) || list.length === 0 || !list.every((w) => Number.isInteger(w) && w > 0)) {
    throw new Error(`an image's widths must be a non-empty list of positive whole numbers, not ${String(widths)}`)
  }
  return [...(list as number[])].sort((a, b) => a - b)
}

/** A small picture for lists in the back office: the smallest stored width, WebP with a JPEG fallback. */
export interface Thumbnail {
  webp: string
  jpg: string
  width: number
  height: number
}

/** The thumbnail of an image shown `width` pixels wide. */
export function thumbnail(image: { key: string; width: number; height: number }, width: number): Thumbnail {
  const stored = IMAGE_WIDTHS[0] as number
  return {
    webp: imageUrl(image.key, stored, 'webp'),
    jpg: imageUrl(image.key, stored, 'jpg'),
    width,
    height: Math.max(1, Math.round((width * image.height) / image.width)),
  }
}

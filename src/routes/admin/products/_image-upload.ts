import type { Multipart, MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import {
  MAX_FILE_BYTES,
  MAX_FILE_MEGABYTES,
  MAX_FILES_PER_UPLOAD,
} from '../../../modules/images/product-images.forms.js'
import type { UploadedFile } from '../../../modules/images/product-images.service.js'
import { readingMultipart } from './_multipart.js'

/**
 * Reading an upload of product pictures (multipart: the alt text and up to
 * MAX_FILES_PER_UPLOAD files) for products/images.ts: the fields first, so
 * the forgery check and the role come before any file is read; the files
 * after, into memory, each within its limit.
 */

/** The file input's name in the upload form. */
const FILE_FIELD = 'images'
/** Enough for the token and the alt text (250 characters of up to 4 bytes each), with room to spare. */
const MAX_FIELD_BYTES = 4096
const MAX_FIELDS = 10

/** @fastify/multipart's limits for the upload form. */
export const IMAGE_UPLOAD_LIMITS = {
  fileSize: MAX_FILE_BYTES,
  files: MAX_FILES_PER_UPLOAD,
  fields: MAX_FIELDS,
  fieldSize: MAX_FIELD_BYTES,
  parts: MAX_FILES_PER_UPLOAD + MAX_FIELDS,
}

/** An upload being read: the fields before the first file by the preValidation hook, the rest by the handler. */
interface Upload {
  raw: FastifyRequest['raw']
  parts: AsyncIterableIterator<Multipart>
  fields: Record<string, string>
  files: UploadedFile[]
  /** The first file part, left unread until the form token and the role have been checked. */
  waiting?: MultipartFile
  done: boolean
  failure?: { status: number; message: string }
}

const uploads = new WeakMap<FastifyRequest, Upload>()

/** The string fields of a parsed urlencoded body (the first of any repeated one). */
function textFields(body: unknown): Record<string, string | undefined> {
  if (typeof body !== 'object' || body === null) return {}
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) {
    const first: unknown = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') fields[name] = first
  }
  return fields
}

/**
 * Reads the form's fields up to its first file, so the form token (the
 * form's first field) is in request.body when the forgery check runs, and
 * no file is read for a visitor who may not upload: the files wait for the
 * handler, which runs only after the token and the role have been checked.
 */
export async function readFieldsBeforeFiles(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return
  const upload: Upload = { raw: request.raw, parts: request.parts(), fields: {}, files: [], done: false }
  uploads.set(request, upload)
  readingMultipart(request)
  await readParts(upload, true)
  request.body = upload.fields
}

async function readParts(upload: Upload, stopAtFile: boolean): Promise<void> {
  try {
    while (!upload.done && !upload.failure) {
      if (upload.waiting) {
        if (stopAtFile) return
        const file = upload.waiting
        upload.waiting = undefined
        await takeFile(upload, file)
        continue
      }
      const next = await upload.parts.next()
      if (next.done) {
        upload.done = true
        // The parser ends quietly when the browser goes away between two files: nothing must be kept of half an upload.
        if (!upload.raw.readableEnded) upload.failure = failureOf(new Error('the upload ended early'))
      } else if (next.value.type === 'file') upload.waiting = next.value
      else if (typeof next.value.value === 'string') upload.fields[next.value.fieldname] ??= next.value.value
    }
  } catch (err) {
    upload.failure = failureOf(err)
  }
}

async function takeFile(upload: Upload, part: MultipartFile): Promise<void> {
  const content = await part.toBuffer()
  // A file input left empty still sends a part, with no name and no bytes.
  if (part.fieldname !== FILE_FIELD || (part.filename === '' && content.length === 0)) return
  upload.files.push({ name: displayName(part.filename, upload.files.length + 1), content })
}

/** The client's file name, fit to quote back in a message. */
function displayName(filename: string, n: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const name = filename.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  if (name === '') return `file ${n}`
  return name.length > 80 ? `${name.slice(0, 79)}…` : name
}

function failureOf(err: unknown): { status: number; message: string } {
  const { code, part } = err as { code?: string; part?: { filename?: string } }
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return {
        status: 413,
        message: `“${displayName(part?.filename ?? '', 0)}” is larger than ${MAX_FILE_MEGABYTES} MB. Upload pictures of up to ${MAX_FILE_MEGABYTES} MB each; nothing was uploaded.`,
      }
    case 'FST_FILES_LIMIT':
      return {
        status: 413,
        message: `Upload at most ${MAX_FILES_PER_UPLOAD} pictures at a time; nothing was uploaded.`,
      }
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return { status: 413, message: 'The form sent more than it should; nothing was uploaded. Try again.' }
    default:
      return { status: 400, message: 'The upload could not be read; nothing was uploaded. Choose the pictures again.' }
  }
}

/**
 * What the form sent: its text fields, the pictures, and why reading them
 * failed if it did. A form sent urlencoded (no files chosen, in some
 * browsers) has fields only.
 */
export async function uploadedImages(
  request: FastifyRequest,
): Promise<{ fields: Record<string, string | undefined>; files: UploadedFile[]; failure?: Upload['failure'] }> {
  const upload = uploads.get(request)
  if (!upload) return { fields: textFields(request.body), files: [] }
  await readParts(upload, false)
  return { fields: upload.fields, files: upload.files, failure: upload.failure }
}

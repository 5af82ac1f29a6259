import fastifyMultipart, { type Multipart, type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type IdParams, idOf } from '../../../lib/ids.js'
import { MEDIA_RETRY_AFTER_SECONDS } from '../../../lib/media-storage/index.js'
import { withValid } from '../../../lib/outcomes.js'
import { validate } from '../../../lib/validation.js'
import { productImagesPage, type SentImagesForm } from '../../../modules/images/image-pages.js'
import {
  MAX_FILE_BYTES,
  MAX_FILE_MEGABYTES,
  MAX_FILES_PER_UPLOAD,
  uploadInput,
} from '../../../modules/images/product-images.forms.js'
import {
  addProductImages,
  imagesAddedNotice,
  type UploadedFile,
} from '../../../modules/images/product-images.service.js'
import { signedInUser } from '../../../plugins/auth.js'
import { discardUnread, readingMultipart } from './_multipart.js'

/** The file input's name in the upload form. */
const FILE_FIELD = 'images'
/** Enough for the token and the alt text (250 characters of up to 4 bytes each), with room to spare. */
const MAX_FIELD_BYTES = 4096
const MAX_FIELDS = 10

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

/**
 * A product's pictures (/admin/products/:id/images): the page, and an
 * upload of several at once, each with alt text. Changing, moving and
 * removing one picture are product-images.ts's.
 */
export default async function productImagesRoutes(app: FastifyInstance) {
  // Multipart bodies are parsed here only; every other form in the shop stays urlencoded and small.
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: MAX_FILE_BYTES,
      files: MAX_FILES_PER_UPLOAD,
      fields: MAX_FIELDS,
      fieldSize: MAX_FIELD_BYTES,
      parts: MAX_FILES_PER_UPLOAD + MAX_FIELDS,
    },
  })

  async function imagesPage(reply: FastifyReply, productId: number, sent?: SentImagesForm) {
    return reply.show('admin/products/images/index', await productImagesPage(app.db, productId, sent))
  }

  app.get<IdParams>('/admin/products/:id/images', async (request, reply) => imagesPage(reply, idOf(request)))

  app.post<IdParams>(
    '/admin/products/:id/images',
    { preValidation: readFieldsBeforeFiles, onResponse: discardUnread },
    async (request, reply) => {
      const id = idOf(request)
      const upload = uploads.get(request)
      if (upload) await readParts(upload, false)
      const fields = upload?.fields ?? textFields(request.body)
      const values = { alt: fields.alt ?? '' }
      if (upload?.failure) {
        return imagesPage(reply.code(upload.failure.status), id, { values, errors: { images: upload.failure.message } })
      }
      const files = upload?.files ?? []
      const result = await withValid(validate(uploadInput, { alt: fields.alt, images: files.length }), ({ alt }) =>
        addProductImages(app.db, app.mediaStorage, id, { alt, files }, signedInUser(request)),
      )
      if (result.kind === 'unavailable') {
        // The person is told only that the store failed; what failed, and why, is for the log.
        request.log.error({ err: result.error }, 'uploaded pictures could not be saved to the image store')
        const retry = reply.code(503).header('retry-after', String(MEDIA_RETRY_AFTER_SECONDS))
        return imagesPage(retry, id, { values, errors: { images: result.message } })
      }
      return reply.answer(result, {
        done: () => ({ to: `/admin/products/${id}/images`, flash: imagesAddedNotice(files.length) }),
        back: `/admin/products/${id}/images`,
        form: ({ errors }) =>
          imagesPage(reply, id, { values, errors, problems: 'problems' in result ? result.problems : [] }),
      })
    },
  )
}

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
async function readFieldsBeforeFiles(request: FastifyRequest): Promise<void> {
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

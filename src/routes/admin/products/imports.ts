import fastifyMultipart, { type Multipart, type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type IdParams, idOf } from '../../../lib/ids.js'
import type { FieldErrors } from '../../../lib/validation.js'
import { productCsvTemplate } from '../../../modules/product-imports/product-csv.js'
import { type RunningImports, startProductImportJobs } from '../../../modules/product-imports/product-imports.job.js'
import {
  acceptProductCsv,
  applyProductImport,
  MAX_UPLOAD_BYTES,
  productImportFormPage,
  productImportPage,
  type Upload,
} from '../../../modules/product-imports/product-imports.service.js'
import { signedInUser } from '../../../plugins/auth.js'
import { discardUnread, readingMultipart } from './_multipart.js'

/** Seconds between reloads of the status page while the file is checked or applied. */
const REFRESH_SECONDS = 2

/**
 * Product import: upload a CSV file (the export's columns), see what it
 * would change (checked in the background for a large file, with a progress
 * bar that needs no JavaScript), then apply it all in one transaction.
 */
export default async function productImportRoutes(app: FastifyInstance) {
  // Only this plugin reads multipart forms; every other form stays urlencoded and small.
  await app.register(fastifyMultipart, {
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5 },
  })

  // Imports are checked and applied where the other background work runs (RUN_WORKER); see also cli/worker.ts.
  let jobs: RunningImports | null = null
  if (app.config.runWorker) {
    app.addHook('onReady', async () => {
      jobs = startProductImportJobs({ db: app.db, log: app.log })
    })
    app.addHook('preClose', async () => {
      await jobs?.stop()
    })
  }

  const formPage = (reply: FastifyReply, errors: FieldErrors = {}) =>
    reply.render('admin/products/imports/new', productImportFormPage(errors))

  app.get('/admin/products/imports/new', async (_request, reply) => formPage(reply))

  app.get('/admin/products/imports/template.csv', async (_request, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="products-template.csv"')
      .send(productCsvTemplate()),
  )

  app.post(
    '/admin/products/imports',
    { preValidation: readFieldsBeforeFile, onResponse: discardUnread },
    async (request, reply) => {
      const taken = await takeFile(request)
      if ('failure' in taken) return formPage(reply.code(taken.failure.status), { file: taken.failure.message })
      const result = await acceptProductCsv(app.db, taken.upload, signedInUser(request), request.log)
      if (result.kind === 'queued' && !result.inline) jobs?.wake()
      return reply.answer(result, {
        done: ({ id }) => ({ to: `/admin/products/imports/${id}` }),
        back: '/admin/products/imports/new',
        form: ({ errors }) => formPage(reply, errors),
      })
    },
  )

  app.get<IdParams>('/admin/products/imports/:id', async (request, reply) => {
    const page = await productImportPage(app.db, idOf(request))
    // The Refresh header reloads the page like <meta http-equiv="refresh">, without JavaScript, until the work is done.
    if (page.kind === 'page' && page.page.working)
      reply.header('refresh', String(REFRESH_SECONDS)).header('cache-control', 'no-store')
    return reply.show('admin/products/imports/show', page)
  })

  app.post<IdParams>('/admin/products/imports/:id/application', async (request, reply) => {
    const id = idOf(request)
    const result = await applyProductImport(app.db, id, signedInUser(request), request.log)
    if (result.kind === 'queued') jobs?.wake()
    return reply.answer(result, {
      done: ({ kind }) => ({
        to: `/admin/products/imports/${id}`,
        flash: kind === 'applied' ? 'The import is applied.' : undefined,
      }),
      back: `/admin/products/imports/${id}`,
    })
  })
}

/** An upload being read: its fields by the preValidation hook, its file (left unread till then) by the handler. */
interface PendingUpload {
  parts: AsyncIterableIterator<Multipart>
  file?: MultipartFile
  failure?: Failure
}
type Failure = { status: 413 | 422; message: string }

const pending = new WeakMap<FastifyRequest, PendingUpload>()

/**
 * Reads the form's fields up to its file, so the form token is in
 * request.body when the forgery check runs, and no file is read for a
 * visitor who may not upload: the file waits for the handler, which runs
 * only after the token and the role have been checked.
 */
async function readFieldsBeforeFile(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return
  const upload: PendingUpload = { parts: request.parts() }
  pending.set(request, upload)
  readingMultipart(request)
  const fields: Record<string, string> = {}
  try {
    for (let next = await upload.parts.next(); !next.done; next = await upload.parts.next()) {
      if (next.value.type === 'file') {
        upload.file = next.value
        break
      }
      if (typeof next.value.value === 'string') fields[next.value.fieldname] ??= next.value.value
    }
  } catch (err) {
    upload.failure = failureOf(err)
  }
  request.body = fields
}

/** The uploaded file, read whole (at most MAX_UPLOAD_BYTES), or why it was refused; null when none was sent. */
async function takeFile(request: FastifyRequest): Promise<{ upload: Upload | null } | { failure: Failure }> {
  const upload = pending.get(request)
  if (upload?.failure) return { failure: upload.failure }
  if (!upload?.file) return { upload: null }
  try {
    const content = await upload.file.toBuffer()
    // Whatever follows the file is read to the end: a second file is refused by the files limit.
    for (let next = await upload.parts.next(); !next.done; next = await upload.parts.next()) {
      if (next.value.type === 'file') await next.value.toBuffer()
    }
    return { upload: { fileName: upload.file.filename, mimeType: upload.file.mimetype, content } }
  } catch (err) {
    return { failure: failureOf(err) }
  }
}

function failureOf(err: unknown): Failure {
  switch ((err as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return {
        status: 413,
        message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: split it into smaller files; nothing was imported`,
      }
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return { status: 413, message: 'Send one CSV file at a time; nothing was imported' }
    default:
      return { status: 422, message: 'The upload could not be read; choose the file again' }
  }
}

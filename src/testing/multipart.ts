import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { SAME_ORIGIN } from './http.js'

export interface UploadFile {
  /** The form field, like `images`. */
  field: string
  filename: string
  content: Buffer
  /** What the browser claims; the app decides by the content. */
  type?: string
}

/**
 * A multipart/form-data body as a browser builds it, in the form's order:
 * the fields, then the files, then `fieldsAfter` (fields placed after the file input).
 */
export function multipartBody(
  fields: Record<string, string>,
  files: readonly UploadFile[] = [],
  fieldsAfter: Record<string, string> = {},
): { payload: Buffer; contentType: string } {
  const boundary = `----shopfront${randomBytes(12).toString('hex')}`
  const chunks: Buffer[] = []
  const field = (name: string, value: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  for (const [name, value] of Object.entries(fields)) chunks.push(field(name, value))
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    )
  }
  for (const [name, value] of Object.entries(fieldsAfter)) chunks.push(field(name, value))
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Submits a multipart form the way a browser does, with this site's Origin. */
export function postMultipart(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string>,
  files: readonly UploadFile[],
  options: { cookie?: string } = {},
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = multipartBody(fields, files)
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: {
      'content-type': contentType,
      origin: SAME_ORIGIN,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
  })
}

import type { FastifyInstance, FastifySchemaCompiler } from 'fastify'
import fp from 'fastify-plugin'
import type { z } from 'zod'
import { type FieldErrors, fieldErrors } from '../lib/validation.js'

/**
 * Input a route's Zod schema refused: a body is 422 with a message per field
 * (the messages the HTML forms show, from the same validators); a query,
 * path or header is 400, since the client built the request wrong.
 */
export class ApiValidationError extends Error {
  readonly statusCode: number
  readonly code = 'SHOP_API_VALIDATION'
  constructor(
    readonly part: string,
    readonly errors: FieldErrors,
  ) {
    super(part === 'body' ? 'Some fields need to be corrected.' : `The request's ${partName(part)} is not valid.`)
    this.statusCode = part === 'body' ? 422 : 400
  }
}

function partName(part: string): string {
  return part === 'querystring' ? 'query string' : part === 'params' ? 'path' : part
}

/**
 * The API's routes give Zod schemas for their input and output. Input is
 * checked with them (the output of a schema, with its transforms, is what a
 * handler gets); output schemas only describe the answer in the OpenAPI
 * document, and JSON.stringify writes it: the tests check every answer
 * against the document, so a second check per request would only cost time.
 */
export const apiValidationPlugin = fp(
  async (app: FastifyInstance) => {
    const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
      ({ schema, httpPart }) =>
      (data) => {
        const result = schema.safeParse(data ?? (httpPart === 'body' ? undefined : {}))
        if (result.success) return { value: result.data }
        return { error: new ApiValidationError(httpPart ?? 'body', fieldErrors(result.error)) }
      }
    app.setValidatorCompiler(validatorCompiler)
    app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  },
  { name: 'shopfront-api-validation' },
)

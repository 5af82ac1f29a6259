import fastifySwagger from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { problemResponses } from '../lib/api-schemas.js'
import { apiValidationPlugin } from '../plugins/api-validation.js'
import { problemPlugin } from '../plugins/problem.js'
import { apiClient } from './api.js'

/** A small API whose routes keep or break their documented promises, to show the client catches each kind. */
async function buildLyingApi(): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(problemPlugin)
  await app.register(apiValidationPlugin)
  await app.register(fastifySwagger, {
    openapi: { openapi: '3.1.0', info: { title: 't', version: '1' } },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  const typed = app.withTypeProvider<ZodTypeProvider>()
  const thing = z.object({ n: z.number().int() })
  const response = { 200: thing, ...problemResponses }
  typed.get('/api/v1/keeps', { schema: { response } }, async () => ({ n: 1 }))
  typed.get('/api/v1/wrong-shape', { schema: { response } }, async () => ({ n: 'one' }) as never)
  typed.get('/api/v1/wrong-status', { schema: { response } }, async (_r, reply) => reply.code(201).send({ n: 1 }))
  typed.get('/api/v1/plain-error', { schema: { response } }, async (_r, reply) =>
    reply.code(409).type('application/json').send({ message: 'no' } as never),
  )
  app.get('/api/v1/openapi.json', async () => app.swagger())
  await app.ready()
  return app
}

describe('the API test client', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildLyingApi()
  })
  afterAll(() => app.close())

  it('passes an answer that matches the document', async () => {
    const api = await apiClient(app)
    expect((await api.get('/api/v1/keeps')).json()).toEqual({ n: 1 })
  })

  it('fails a body of the wrong shape, an undocumented status and an error that is not a problem', async () => {
    const api = await apiClient(app)
    await expect(api.get('/api/v1/wrong-shape')).rejects.toThrow(
      /does not match the OpenAPI document: \/n must be integer/,
    )
    await expect(api.get('/api/v1/wrong-status')).rejects.toThrow(/status 201 is not documented/)
    await expect(api.get('/api/v1/plain-error')).rejects.toThrow(/content type "application\/json" is not documented/)
  })

  it('takes a method the path does not have only as a 404 problem', async () => {
    const api = await apiClient(app)
    const response = await api.request({ method: 'POST', url: '/api/v1/keeps' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

import type { FastifyInstance } from 'fastify'

export default async function adminVariantsRoutes(_app: FastifyInstance) {}

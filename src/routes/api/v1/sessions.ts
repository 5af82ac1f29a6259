import type { FastifyInstance } from 'fastify'

export default async function sessionsRoutes(_app: FastifyInstance) {}

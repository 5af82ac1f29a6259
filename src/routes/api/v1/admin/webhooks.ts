import type { FastifyInstance } from 'fastify'

export default async function adminWebhooksRoutes(_app: FastifyInstance) {}

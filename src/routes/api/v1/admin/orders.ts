import type { FastifyInstance } from 'fastify'

export default async function adminOrdersRoutes(_app: FastifyInstance) {}

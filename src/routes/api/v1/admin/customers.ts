import type { FastifyInstance } from 'fastify'

export default async function adminCustomersRoutes(_app: FastifyInstance) {}

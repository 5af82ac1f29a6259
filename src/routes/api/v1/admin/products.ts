import type { FastifyInstance } from 'fastify'

export default async function adminProductsRoutes(_app: FastifyInstance) {}

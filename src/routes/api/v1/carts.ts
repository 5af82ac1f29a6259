import type { FastifyInstance } from 'fastify'

export default async function cartsRoutes(_app: FastifyInstance) {}

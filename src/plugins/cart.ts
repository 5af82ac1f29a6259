import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { CartOwner } from '../modules/cart/cart.service.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Whose cart this request is about: the signed-in customer's, else the guest cart the session holds. */
    cartOwner(): CartOwner
  }
}

export const cartPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('cartOwner', function (this: FastifyRequest): CartOwner {
      return {
        userId: this.user?.id ?? null,
        sessionCartId: this.hasSession() ? (this.session.get('cartId') ?? null) : null,
      }
    })
  },
  { name: 'shopfront-cart', dependencies: ['shopfront-session', 'shopfront-auth'] },
)

import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { ApiClient } from './api.js'
import { TEST_ADDRESS } from './checkout.js'

/** An app's cart made through the API: its id, its token, and calls on it that carry the token. */
export interface AppCart {
  id: number
  token: string
  url: string
  call(
    method: InjectOptions['method'],
    path: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>
}

/** POST /api/v1/carts, as an app makes its cart. */
export async function newAppCart(api: ApiClient): Promise<AppCart> {
  const made = await api.request({ method: 'POST', url: '/api/v1/carts' })
  expect(made.statusCode).toBe(201)
  const { id, token } = made.json() as { id: number; token: string }
  const url = `/api/v1/carts/${id}`
  return {
    id,
    token,
    url,
    call: (method, path, payload, headers = {}) =>
      api.request({
        method,
        url: `${url}${path}`,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(payload !== undefined && { payload: payload as InjectOptions['payload'] }),
      }),
  }
}

/** A cart with `quantity` of `sku`, sent to Ada in Bristol by Royal Mail (uk-standard), ready to order. */
export async function appCartReadyToOrder(api: ApiClient, sku: string, quantity = 1): Promise<AppCart> {
  const cart = await newAppCart(api)
  expect((await cart.call('POST', '/items', { sku, quantity })).statusCode).toBe(200)
  expect((await cart.call('PUT', '/address', TEST_ADDRESS)).statusCode).toBe(200)
  expect((await cart.call('PUT', '/shipping', { option_id: 'uk-standard' })).statusCode).toBe(200)
  return cart
}

import type { FastifyReply, FastifyRequest } from 'fastify'
import { type CursorPosition, decodeCursor, encodeCursor } from '../../../lib/cursor.js'
import { ProblemError } from '../../../plugins/problem.js'

/**
 * Cursor paging for every API list: the position a `cursor` names (400 when
 * it was not one this shop gave), and the page answered as
 * `{ data, next_cursor }` with a `Link: <…>; rel="next"` header.
 */
export function cursorPosition(request: FastifyRequest, cursor: string | undefined): CursorPosition | null {
  if (cursor === undefined || cursor === '') return null
  const position = decodeCursor(request.server.config.sessionSecret, cursor)
  if (!position) throw new ProblemError(400, 'This cursor is not one this API gave: start again from the first page.')
  return position
}

export function listPage<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  data: T[],
  next: CursorPosition | null,
): { data: T[]; next_cursor: string | null } {
  if (next === null) return { data, next_cursor: null }
  const cursor = encodeCursor(request.server.config.sessionSecret, next)
  const [path, query = ''] = request.url.split('?', 2)
  const params = new URLSearchParams(query)
  params.set('cursor', cursor)
  reply.header('link', `<${path}?${params}>; rel="next"`)
  return { data, next_cursor: cursor }
}

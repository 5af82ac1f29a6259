import type { FastifyRequest } from 'fastify'

/** Requests whose multipart body a route's preValidation hook began to read: the rest waits for the handler. */
const reading = new WeakSet<FastifyRequest>()

export function readingMultipart(request: FastifyRequest): void {
  reading.add(request)
}

/**
 * A refused upload (no token, no permission, a file too large) is answered
 * before its body has been read; the rest is read and thrown away, so the
 * browser, still sending, gets to show the answer on a connection kept open.
 */
export async function discardUnread(request: FastifyRequest): Promise<void> {
  if (!reading.has(request) || request.raw.readableEnded) return
  request.raw.unpipe()
  request.raw.resume()
}

import type { FastifyReply } from 'fastify'

/** A file a service made for somebody: its bytes, its media type and the name it is saved under. */
export interface PersonalFile {
  bytes: Buffer
  type: string
  filename: string
}

/**
 * Sends a file that is somebody's own (an order's invoice) to be saved: kept
 * by no cache, and the address it came from, which may be a secret link,
 * never sent on as a Referer.
 */
export function sendPersonalFile(reply: FastifyReply, file: PersonalFile): FastifyReply {
  return reply
    .type(file.type)
    .header('cache-control', 'private, no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .send(file.bytes)
}

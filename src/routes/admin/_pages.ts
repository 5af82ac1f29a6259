import type { FastifyReply } from 'fastify'
import type { Missing } from '../../lib/outcomes.js'
import type { PageData } from '../../plugins/views.js'

/** The page its service built, or the not-found page when the service found no such thing. */
export function showPage(reply: FastifyReply, template: string, page: Missing | (PageData & { kind: 'page' })) {
  if (page.kind === 'missing') return reply.callNotFound()
  return reply.render(template, page)
}

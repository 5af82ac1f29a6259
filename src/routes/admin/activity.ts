import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { optionalIdText } from '../../lib/ids.js'
import { withFields } from '../../lib/objects.js'
import { keysetLinks, keysetPage } from '../../lib/pagination.js'
import { validate } from '../../lib/validation.js'
import { selectActivity, selectActivityActors } from '../../modules/activity/activity.repository.js'
import { changeRows } from '../../modules/activity/activity.service.js'

const PER_PAGE = 50

const activityFilter = z.object({
  actor: optionalIdText('Choose someone from the list'),
  subject: z.enum(['', 'order', 'product', 'category', 'customer', 'discount', 'settings', 'staff']).default(''),
  before: optionalIdText(),
})

/** Owners: every change made in the back office — who, what, when, before → after — newest first, filterable. */
export default async function activityRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/admin/activity', async (request, reply) => {
    const checked = validate(activityFilter, request.query)
    const filter = checked.ok ? checked.value : activityFilter.parse({})
    const rows = checked.ok
      ? await selectActivity(
          app.db,
          {
            actorUserId: filter.actor ? Number(filter.actor) : undefined,
            subjectType: filter.subject || undefined,
          },
          { beforeId: filter.before ? Number(filter.before) : undefined, limit: PER_PAGE + 1 },
        )
      : []
    const { items, olderThan } = keysetPage(rows, PER_PAGE)
    const entries = items.map((row) => withFields(row, { changes: changeRows(row.changes) }))
    return reply.code(checked.ok ? 200 : 422).render('admin/activity/index', {
      title: 'Activity',
      entries,
      actors: await selectActivityActors(app.db),
      values: request.query,
      errors: checked.ok ? {} : checked.errors,
      ...keysetLinks('/admin/activity', { actor: filter.actor, subject: filter.subject }, olderThan, filter.before),
    })
  })
}

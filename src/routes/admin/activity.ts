import type { FastifyInstance } from 'fastify'
import { formValues } from '../../lib/forms.js'
import { validate } from '../../lib/validation.js'
import { activityFilterInput } from '../../modules/activity/activity.forms.js'
import { activityPage } from '../../modules/activity/activity.service.js'

/** Owners: every change made in the back office — who, what, when, before → after — newest first, filterable. */
export default async function activityRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/admin/activity', async (request, reply) => {
    const page = await activityPage(app.db, validate(activityFilterInput, request.query))
    return reply.show('admin/activity/index', { ...page, values: formValues(request.query) })
  })
}

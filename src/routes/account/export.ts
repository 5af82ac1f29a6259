import type { FastifyInstance } from 'fastify'
import { exportAccountData } from '../../modules/accounts/profile.service.js'
import { signedInUser } from '../../plugins/auth.js'

export default async function exportRoutes(app: FastifyInstance) {
  app.get('/account/export', async (request, reply) => {
    const data = await exportAccountData(app.db, signedInUser(request))
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="my-account-data.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2))
  })
}

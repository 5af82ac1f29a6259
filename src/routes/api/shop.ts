import type { FastifyInstance } from 'fastify'
import { getShopSettings } from '../../modules/settings/settings.service.js'

export default async function shopRoutes(app: FastifyInstance) {
  app.get('/shop', async () => {
    const shop = await getShopSettings(app.db)
    return {
      name: shop.shopName,
      tagline: shop.tagline,
      currency: shop.currency,
      locale: shop.locale,
      contact: { email: shop.contactEmail, phone: shop.contactPhone, address: shop.address },
    }
  })
}

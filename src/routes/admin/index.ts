import type { FastifyInstance } from 'fastify'
import { dashboardPage } from '../../modules/dashboard/dashboard.service.js'
import { backOfficeFormats } from '../../modules/settings/formats.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { requireRole } from '../../plugins/auth.js'
import { levelOf, rolesFor } from './_permissions.js'
import activityRoutes from './activity.js'
import categoryRoutes from './categories.js'
import customerRoutes from './customers.js'
import discountRoutes from './discounts.js'
import mailboxRoutes from './mailbox.js'
import orderRoutes from './orders.js'
import outboxRoutes from './outbox.js'
import productImageRoutes from './product-images.js'
import productImagesRoutes from './products/images.js'
import productImportRoutes from './products/imports.js'
import productRoutes from './products/index.js'
import securityLogRoutes from './security-log.js'
import settingsRoutes from './settings/index.js'
import settingsShippingRoutes from './settings/shipping.js'
import settingsTaxRoutes from './settings/tax.js'
import staffRoutes from './staff.js'
import stockRoutes from './variants.js'

interface AdminNavItem {
  href: string
  label: string
  /** Shown to owners only (the permission table says so); the guard checks it again. */
  ownerOnly: boolean
}

/**
 * /admin: every route checked against the one permission table
 * (_permissions.ts) before anything else runs; a route missing from the table
 * stops the app from starting.
 */
export default async function adminArea(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!levelOf(method, route.url)) {
        throw new Error(
          `${method} ${route.url} is not in the back office's permission table (routes/admin/_permissions.ts)`,
        )
      }
    }
  })
  const guards = { staff: requireRole(...rolesFor('staff')), owner: requireRole(...rolesFor('owner')) }
  app.addHook('preHandler', (request, reply) => {
    // Unmatched URLs (404) have no route: the least any page here needs.
    const level = levelOf(request.method, request.routeOptions.url ?? '') ?? 'staff'
    return guards[level](request, reply)
  })

  const item = (href: string, label: string): AdminNavItem => ({
    href,
    label,
    ownerOnly: levelOf('GET', href) === 'owner',
  })
  const nav: AdminNavItem[] = [
    item('/admin', 'Dashboard'),
    item('/admin/orders', 'Orders'),
    item('/admin/products', 'Products'),
    item('/admin/customers', 'Customers'),
    item('/admin/categories', 'Categories'),
    item('/admin/discounts', 'Discount codes'),
    item('/admin/outbox', 'Outbox'),
    item('/admin/activity', 'Activity'),
    item('/admin/settings', 'Settings'),
    item('/admin/staff', 'Staff'),
    item('/admin/security-log', 'Security log'),
  ]
  // Without SMTP in development, email stays in the database; staff read it here.
  if (!app.config.isProduction) nav.push(item('/admin/mailbox', 'Mailbox'))
  const navFor = { owner: nav, staff: nav.filter((entry) => !entry.ownerOnly) }

  // What every page of the area shows, set once for the viewer: the menu holds only what their role may open,
  // and the formatters (amounts in an order's currency, moments in UTC) so no handler reads the settings for them.
  app.addHook('preHandler', async (request, reply) => {
    reply.locals.adminNav = navFor[request.user?.role === 'owner' ? 'owner' : 'staff']
    Object.assign(reply.locals, backOfficeFormats(await getShopSettings(app.db)))
  })

  app.get('/admin', async (_request, reply) => reply.render('admin/index', await dashboardPage(app.db)))

  await app.register(orderRoutes)
  await app.register(productRoutes)
  await app.register(productImportRoutes)
  await app.register(productImageRoutes)
  await app.register(productImagesRoutes)
  await app.register(customerRoutes)
  await app.register(categoryRoutes)
  await app.register(discountRoutes)
  await app.register(stockRoutes)
  await app.register(outboxRoutes)
  await app.register(activityRoutes)
  await app.register(settingsRoutes)
  await app.register(settingsTaxRoutes)
  await app.register(settingsShippingRoutes)
  await app.register(staffRoutes)
  if (!app.config.isProduction) await app.register(mailboxRoutes)
  await app.register(securityLogRoutes)
}

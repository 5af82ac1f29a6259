import type { Role } from '../../db/schema.js'

/** The least role a back-office route needs: staff (staff and owners) or owner (owners only). */
export type AdminLevel = 'staff' | 'owner'

/**
 * Who may use each back-office route, in one table: "METHOD /url pattern" →
 * the least role. Anonymous visitors are sent to sign in and customers get
 * 403 everywhere. A route not in this table cannot be registered under the
 * admin area (boot fails), so nothing is ever open by omission; the tests
 * walk the table route by route for every role.
 */
export const ADMIN_PERMISSIONS = {
  'GET /admin': 'staff',
  'GET /admin/orders': 'staff',
  'GET /admin/orders.csv': 'staff',
  'GET /admin/orders/:number': 'staff',
  'POST /admin/orders/:number/payment': 'staff',
  'GET /admin/orders/:number/cancellation': 'staff',
  'POST /admin/orders/:number/cancellation': 'staff',
  'POST /admin/orders/:number/notes': 'staff',
  'POST /admin/orders/:number/fulfilments': 'staff',
  'GET /admin/orders/:number/refund': 'staff',
  'POST /admin/orders/:number/refunds': 'staff',
  'GET /admin/orders/:number/packing-slip.pdf': 'staff',
  'GET /admin/orders/:number/invoice.pdf': 'staff',
  'GET /admin/customers': 'staff',
  'GET /admin/customers.csv': 'staff',
  'GET /admin/customers/:id': 'staff',
  'GET /admin/customers/:id/disablement': 'staff',
  'POST /admin/customers/:id/disablement': 'staff',
  'POST /admin/customers/:id/enablement': 'staff',
  // Products (list, form, publish/archive, duplicate, export)
  'GET /admin/products': 'staff',
  'GET /admin/products.csv': 'staff',
  'GET /admin/products/new': 'staff',
  'POST /admin/products': 'staff',
  'GET /admin/products/:id': 'staff',
  'POST /admin/products/:id': 'staff',
  'POST /admin/products/:id/publication': 'staff',
  'POST /admin/products/:id/withdrawal': 'staff',
  'GET /admin/products/:id/archival': 'staff',
  'POST /admin/products/:id/archival': 'staff',
  'POST /admin/products/:id/copies': 'staff',
  // Product images
  'GET /admin/products/:id/images': 'staff',
  'POST /admin/products/:id/images': 'staff',
  'POST /admin/product-images/:id': 'staff',
  'POST /admin/product-images/:id/position': 'staff',
  'GET /admin/product-images/:id/removal': 'staff',
  'POST /admin/product-images/:id/removal': 'staff',
  // Product import
  'GET /admin/products/imports/new': 'staff',
  'GET /admin/products/imports/template.csv': 'staff',
  'POST /admin/products/imports': 'staff',
  'GET /admin/products/imports/:id': 'staff',
  'POST /admin/products/imports/:id/application': 'staff',
  'GET /admin/categories': 'staff',
  'GET /admin/categories/new': 'staff',
  'POST /admin/categories': 'staff',
  'GET /admin/categories/:id': 'staff',
  'POST /admin/categories/:id': 'staff',
  'POST /admin/categories/:id/position': 'staff',
  'GET /admin/variants/:id': 'staff',
  'POST /admin/variants/:id/stock-adjustments': 'staff',
  'GET /admin/discounts': 'staff',
  'GET /admin/discounts/new': 'staff',
  'POST /admin/discounts': 'staff',
  'GET /admin/discounts/:id': 'staff',
  'POST /admin/discounts/:id': 'staff',
  'GET /admin/discounts/:id/ending': 'staff',
  'POST /admin/discounts/:id/ending': 'staff',
  'GET /admin/outbox': 'staff',
  'GET /admin/outbox/:id': 'staff',
  'POST /admin/outbox/:id/resend': 'staff',
  'GET /admin/activity': 'owner',
  'GET /admin/settings': 'owner',
  'POST /admin/settings': 'owner',
  // Settings: tax rates, shipping zones
  'GET /admin/settings/tax': 'owner',
  'POST /admin/settings/tax': 'owner',
  'GET /admin/settings/tax/:country': 'owner',
  'POST /admin/settings/tax/:country': 'owner',
  'GET /admin/settings/tax/:country/removal': 'owner',
  'POST /admin/settings/tax/:country/removal': 'owner',
  'GET /admin/settings/shipping': 'owner',
  'GET /admin/settings/shipping/new': 'owner',
  'POST /admin/settings/shipping': 'owner',
  'GET /admin/settings/shipping/:zone': 'owner',
  'POST /admin/settings/shipping/:zone': 'owner',
  'GET /admin/settings/shipping/:zone/methods/new': 'owner',
  'POST /admin/settings/shipping/:zone/methods': 'owner',
  'GET /admin/settings/shipping/:zone/methods/:method': 'owner',
  'POST /admin/settings/shipping/:zone/methods/:method': 'owner',
  'GET /admin/settings/shipping/:zone/methods/:method/removal': 'owner',
  'POST /admin/settings/shipping/:zone/methods/:method/removal': 'owner',
  'GET /admin/settings/shipping/:zone/removal': 'owner',
  'POST /admin/settings/shipping/:zone/removal': 'owner',
  'GET /admin/staff': 'owner',
  'POST /admin/staff/invitations': 'owner',
  'POST /admin/staff/:id/role': 'owner',
  'GET /admin/staff/:id/removal': 'owner',
  'POST /admin/staff/:id/removal': 'owner',
  'GET /admin/security-log': 'owner',
  'GET /admin/mailbox': 'staff',
  'GET /admin/mailbox/:id/html': 'staff',
} as const satisfies Record<string, AdminLevel>

export type AdminRoute = keyof typeof ADMIN_PERMISSIONS

/** The table's key for a request or a route: HEAD is answered by the GET route. */
export function permissionKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`
}

export function levelOf(method: string, url: string): AdminLevel | undefined {
  return (ADMIN_PERMISSIONS as Record<string, AdminLevel>)[permissionKey(method, url)]
}

export function rolesFor(level: AdminLevel): Role[] {
  return level === 'owner' ? ['owner'] : ['staff', 'owner']
}

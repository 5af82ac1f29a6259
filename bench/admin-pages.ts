/** The back-office pages, and the staff member's session they are asked for with. */
import { randomBytes } from 'node:crypto'
import { hashPassword } from '../src/modules/accounts/password.js'
import { currentTotpCode, generateTotpSecret } from '../src/modules/accounts/totp.js'
import { addStaff } from './databases.js'
import { get, postForm, sidOf } from './http.js'
import type { Target, TargetMaker } from './pages.js'

/** The back office, measured signed in as staff when there are orders (--orders): `admin-order` and `admin-search` come from the orders. */
export const ADMIN_PAGES = [
  'dashboard',
  'admin-products',
  'admin-product-search',
  'admin-orders',
  'admin-search',
  'admin-order',
] as const

export const ADMIN_PATHS: Partial<Record<(typeof ADMIN_PAGES)[number], string>> = {
  dashboard: '/admin',
  'admin-orders': '/admin/orders',
  'admin-products': '/admin/products',
}

/** A back-office page by name, or a path under /admin: asked for signed in as staff. */
export function isAdminPage(page: string): boolean {
  return (ADMIN_PAGES as readonly string[]).includes(page) || page.startsWith('/admin')
}

/** The back-office pages that are not one fixed path: the searches and the order pages. */
export function adminTarget(page: string, { catalogue, size, plain, random, skip }: TargetMaker): Target {
  if (page === 'admin-order') {
    if (catalogue.orderNumbers.length === 0) return skip('/admin/orders/…', 'no orders')
    const paths = catalogue.orderNumbers.map((n) => `/admin/orders/${n}`)
    return random(paths, `/admin/orders/… (${paths.length.toLocaleString('en')} random)`, `orders-${size}`)
  }
  if (page === 'admin-product-search') {
    if (!catalogue.searchWord) return skip('/admin/products?q=…', 'no products')
    return plain(`/admin/products?q=${encodeURIComponent(catalogue.searchWord)}`)
  }
  // admin-search
  if (!catalogue.orderSearch) return skip('/admin/orders?q=…', 'no orders')
  return plain(`/admin/orders?q=${encodeURIComponent(catalogue.orderSearch)}`)
}

/**
 * A staff member's session for the back-office pages: a staff account with
 * two-factor sign-in is added to the database, then signs in through the
 * real forms, code and all. Returns the Cookie header value.
 */
export async function staffCookie(origin: string, database: string): Promise<string> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`
  const password = randomBytes(12).toString('base64url')
  const secret = generateTotpSecret()
  await addStaff(database, {
    email,
    passwordHash: await hashPassword(password, { ln: 10, r: 8, p: 1 }),
    totpSecret: secret,
  })
  const first = await postForm(`${origin}/login`, { email, password })
  let cookie = sidOf(first)
  if (first.status !== 303 || !cookie) throw new Error(`the bench's staff sign-in answered HTTP ${first.status}`)
  if (first.headers.location === '/login/two-factor') {
    const page = await get(`${origin}/login/two-factor`, { cookie })
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body.toString('utf8'))?.[1] ?? ''
    const second = await postForm(
      `${origin}/login/two-factor`,
      { code: currentTotpCode(secret, Date.now()), _csrf: token },
      { cookie },
    )
    cookie = sidOf(second) ?? cookie
    if (second.status !== 303) throw new Error(`the bench's two-factor step answered HTTP ${second.status}`)
  }
  const admin = await get(`${origin}/admin`, { cookie })
  if (admin.status !== 200) throw new Error(`signed in as staff, /admin answered HTTP ${admin.status}`)
  return cookie
}

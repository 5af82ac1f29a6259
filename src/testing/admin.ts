import type { Role } from '../db/schema.js'
import type { TestShop } from './app.js'
import { createUser, signInAs } from './factories.js'
import { csrfTokenIn, postForm } from './http.js'

/** A staff member (or owner) signed in to the back office, with GET and form POST helpers that carry their session. */
export async function staffSession(shop: TestShop, options: { role?: Exclude<Role, 'customer'>; name?: string } = {}) {
  const user = await createUser(shop.db, {
    role: options.role ?? 'staff',
    ...(options.name ? { name: options.name } : {}),
  })
  const cookie = await signInAs(shop.app, user)
  const get = (url: string) => shop.app.inject({ url, headers: { cookie } })
  /** Posts a form with a fresh token of this session (any page with a form carries one). */
  const post = async (url: string, fields: Record<string, string> = {}) => {
    const token = csrfTokenIn((await get('/contact')).body) ?? ''
    return postForm(shop.app, url, { ...fields, _csrf: token }, { cookie })
  }
  return { user, cookie, get, post }
}

export type StaffSession = Awaited<ReturnType<typeof staffSession>>

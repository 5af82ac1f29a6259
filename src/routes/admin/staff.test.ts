import { describe, expect } from 'vitest'
import type { Db } from '../../db/connection.js'
import { changeStaff } from '../../modules/accounts/staff.service.js'
import { createUser, leaveOnlyOwner, signInAs } from '../../testing/factories.js'
import { shopTest } from '../../testing/fixtures.js'
import { htmlErrors } from '../../testing/html.js'
import { postForm, sessionCookie } from '../../testing/http.js'

const it = shopTest.extend('ownerOptions', { name: 'Olive Owner' })

describe('staff and invitations', () => {
  const user = (db: Db, email: string) =>
    db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
  const invitationLink = async (db: Db) => {
    const [mail] = await db
      .selectFrom('outbox_emails')
      .select('text')
      .where('template', '=', 'staff-invitation')
      .execute()
    return /http:\/\/localhost:80(\/invitation\?token=[\w-]+)/.exec(mail?.text ?? '')?.[1] as string
  }

  it('invites by email; the link makes a staff account once, with a confirmed address, on to two-factor set-up', async ({
    shop,
    owner,
  }) => {
    const page = await owner.get('/admin/staff')
    expect(page.statusCode).toBe(200)
    expect(await htmlErrors(page.body)).toEqual([])
    expect((await owner.post('/admin/staff/invitations', { email: 'Sam@Example.com', role: 'staff' })).statusCode).toBe(
      303,
    )
    expect((await owner.get('/admin/staff')).body).toContain('sam@example.com as staff')
    const link = await invitationLink(shop.db)
    expect(link).toBeDefined()

    const form = await shop.app.inject({ url: link })
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('You are invited to the back office as <strong>staff</strong>')
    expect(await htmlErrors(form.body)).toEqual([])
    const token = new URL(link, 'http://localhost').searchParams.get('token') as string
    const mistake = await postForm(shop.app, '/invitation', { token, name: 'Sam', password: 'short' })
    expect(mistake.statusCode).toBe(422)
    expect(await user(shop.db, 'sam@example.com')).toBeUndefined()

    const joined = await postForm(shop.app, '/invitation', {
      token,
      name: 'Sam Staff',
      password: 'a kiln of many colours',
    })
    expect(joined.statusCode).toBe(303)
    expect(joined.headers.location).toBe('/account/two-factor')
    expect(await user(shop.db, 'sam@example.com')).toMatchObject({
      role: 'staff',
      name: 'Sam Staff',
      email_verified_at: expect.any(String),
    })
    // The back office waits for two-factor sign-in.
    const admin = await shop.app.inject({ url: '/admin', headers: { cookie: sessionCookie(joined) as string } })
    expect(admin.headers.location).toBe('/account/two-factor')

    // Once only.
    expect((await shop.app.inject({ url: link })).statusCode).toBe(410)
    expect(
      (await postForm(shop.app, '/invitation', { token, name: 'Mallory', password: 'another long one' })).statusCode,
    ).toBe(410)
  })

  it('refuses an invitation to an address with an account, or without a role', async ({ shop, owner }) => {
    await createUser(shop.db, { email: 'taken@example.com' })
    const taken = await owner.post('/admin/staff/invitations', { email: 'taken@example.com', role: 'staff' })
    expect(taken.statusCode).toBe(422)
    expect(taken.body).toContain('There is already an account with this address')
    const noRole = await owner.post('/admin/staff/invitations', { email: 'new@example.com', role: 'king' })
    expect(noRole.statusCode).toBe(422)
    expect(noRole.body).toContain('Choose staff or owner')
    expect(
      await shop.db.selectFrom('user_tokens').select('id').where('purpose', '=', 'staff_invite').execute(),
    ).toEqual([])
  })

  it('changes roles and removes staff after asking; nobody changes their own role', async ({ shop, owner }) => {
    const sam = await createUser(shop.db, { role: 'staff', name: 'Sam Staff' })
    const samCookie = await signInAs(shop.app, sam)
    const me = owner.user

    await owner.post(`/admin/staff/${me.id}/role`, { role: 'staff' })
    expect((await user(shop.db, me.email))?.role).toBe('owner')
    expect((await owner.get('/admin/staff')).body).toContain('You cannot change your own role')

    await owner.post(`/admin/staff/${sam.id}/role`, { role: 'owner' })
    expect((await user(shop.db, sam.email))?.role).toBe('owner')
    // Their session was opened with the old role's rights: it has ended.
    expect((await shop.app.inject({ url: '/admin', headers: { cookie: samCookie } })).headers.location).toMatch(
      /^\/login/,
    )

    const confirm = await owner.get(`/admin/staff/${sam.id}/removal`)
    expect(confirm.body).toContain('Remove Sam Staff from the staff?')
    expect(await htmlErrors(confirm.body)).toEqual([])
    await owner.post(`/admin/staff/${sam.id}/removal`)
    expect((await user(shop.db, sam.email))?.role).toBe('customer')
    expect((await owner.get(`/admin/staff/${sam.id}/removal`)).statusCode).toBe(404)
    expect((await owner.post(`/admin/staff/${me.id}/removal`)).statusCode).toBe(303)
    expect((await user(shop.db, me.email))?.role).toBe('owner')
    const log = await shop.db.selectFrom('activity_log').select(['action', 'changes']).orderBy('id').execute()
    expect(log.map((l) => [l.action, JSON.parse(l.changes ?? '{}').role])).toEqual([
      ['staff.role_changed', ['staff', 'owner']],
      ['staff.removed', ['owner', 'customer']],
    ])
  })

  it('never leaves the shop without an owner', async ({ shop, owner }) => {
    const staff = await createUser(shop.db, { role: 'staff' })
    // The demo shop has its own owner: leave this test's as the only one.
    await leaveOnlyOwner(shop.db, owner.user.id)
    // Only another owner could act on the last one, so the rule guards the service itself.
    expect(await changeStaff(shop.db, { id: staff.id }, owner.user.id, { role: 'staff' })).toEqual({
      kind: 'refused',
      message: 'The shop needs an owner: make someone else owner first.',
    })
    expect((await user(shop.db, owner.user.email))?.role).toBe('owner')
  })
})

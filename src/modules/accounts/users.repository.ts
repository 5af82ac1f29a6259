import type { Db } from '../../db/connection.js'
import type { NewUser, User, UserUpdate } from '../../db/schema.js'

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertUser(db: Db, row: NewUser): Promise<User> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function updateUser(db: Db, id: number, changes: UserUpdate): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute()
}

export async function countUsersWithRole(db: Db, role: User['role']): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('role', '=', role)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Removes the user; their tokens, recovery codes and sessions go with them (ON DELETE CASCADE). */
export async function deleteUser(db: Db, id: number): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute()
}

/** Staff and owners, owners first, by name. */
export async function selectStaffMembers(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'totp_enabled_at', 'last_sign_in_at'])
    .where('role', 'in', ['staff', 'owner'])
    .orderBy('role', 'desc')
    .orderBy('name')
    .execute()
}

import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import { type Validated, validate } from '../../lib/validation.js'
import { audit } from './audit.js'
import { verifyPassword } from './password.js'
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js'
import type { RequestContext } from './request-context.js'
import { verifyTotp } from './totp.js'
import {
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  replaceRecoveryCodes,
  spendRecoveryCode,
} from './two-factor.repository.js'
import { updateUser } from './users.repository.js'

const codeInput = z.object({
  code: z
    .string({ error: 'Enter the 6-digit code from your authenticator app' })
    .trim()
    .min(1, 'Enter the 6-digit code from your authenticator app')
    .max(40, 'Enter the 6-digit code from your authenticator app'),
})
const passwordInput = z.object({ password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password') })

/** Staff and owners must sign in with a second factor; customers may choose to. */
export function mustUseTwoFactor(user: Pick<User, 'role'>): boolean {
  return user.role === 'staff' || user.role === 'owner'
}

/**
 * Turns two-factor sign-in on once the person proves their app has the
 * secret by typing a code from it. Returns ten recovery codes to show once;
 * only their hashes are kept.
 */
export async function enableTwoFactor(
  db: Db,
  user: User,
  secret: string,
  input: unknown,
  ctx: RequestContext,
): Promise<Validated<string[]>> {
  const checked = validate(codeInput, input)
  if (!checked.ok) return checked
  const result = verifyTotp({ secret, code: checked.value.code })
  if (!result.ok)
    return { ok: false, errors: { code: 'That code is not right. Check your app and try the newest code' } }
  const codes = generateRecoveryCodes()
  await db.transaction().execute(async (trx) => {
    const now = nowIso()
    await updateUser(trx, user.id, {
      totp_secret: secret,
      totp_enabled_at: now,
      totp_last_step: result.step,
      updated_at: now,
    })
    await replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode))
    await audit(trx, { action: 'two_factor_enabled', actorUserId: user.id, ip: ctx.ip })
  })
  return { ok: true, value: codes }
}

/** Customers may turn it off again with their password; staff and owners may not. */
export async function disableTwoFactor(
  db: Db,
  user: User,
  input: unknown,
  ctx: RequestContext,
): Promise<Validated<true>> {
  if (mustUseTwoFactor(user))
    return { ok: false, errors: { password: 'Staff and owners must keep two-factor sign-in on' } }
  const checked = validate(passwordInput, input)
  if (!checked.ok) return checked
  if (!(await verifyPassword(checked.value.password, user.password_hash, ctx.scrypt)).ok) {
    return { ok: false, errors: { password: 'The password is not right' } }
  }
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, {
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: nowIso(),
    })
    await deleteRecoveryCodes(trx, user.id)
    await audit(trx, { action: 'two_factor_disabled', actorUserId: user.id, ip: ctx.ip })
  })
  return { ok: true, value: true }
}

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'recovery_code' }
  | { ok: false; errors: Record<string, string> }

/**
 * Checks the second step of a sign-in: a code from the app (each usable
 * once) or one of the recovery codes (each usable once, spent in a single
 * statement so two tries at once cannot both use it).
 */
export async function verifySecondFactor(
  db: Db,
  user: User,
  input: unknown,
  ctx: RequestContext,
): Promise<SecondFactorResult> {
  const checked = validate(codeInput, input)
  if (!checked.ok) return checked
  const code = checked.value.code
  if (user.totp_secret && /^[\d\s]+$/.test(code)) {
    const result = verifyTotp({ secret: user.totp_secret, code, lastUsedStep: user.totp_last_step })
    if (result.ok) {
      await updateUser(db, user.id, { totp_last_step: result.step })
      return { ok: true, method: 'totp' }
    }
  } else {
    if (await spendRecoveryCode(db, user.id, hashRecoveryCode(normaliseRecoveryCode(code)), nowIso())) {
      await audit(db, { action: 'recovery_code_used', actorUserId: user.id, ip: ctx.ip })
      return { ok: true, method: 'recovery_code' }
    }
  }
  return { ok: false, errors: { code: 'That code is not right' } }
}

export function unusedRecoveryCodes(db: Db, userId: number): Promise<number> {
  return countUnusedRecoveryCodes(db, userId)
}

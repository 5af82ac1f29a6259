import type { Db } from '../../db/connection.js'
import type { User } from '../../db/schema.js'
import { type Invalid, invalid } from '../../lib/outcomes.js'
import { nowIso } from '../../lib/time.js'
import type { Validated } from '../../lib/validation.js'
import { getShopSettings } from '../settings/settings.service.js'
import type { SecondFactorInput, TurnOffTwoFactorInput } from './accounts.forms.js'
import { audit } from './audit.js'
import { verifyPassword } from './password.js'
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js'
import type { RequestContext } from './request-context.js'
import { generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from './totp.js'
import {
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  replaceRecoveryCodes,
  spendRecoveryCode,
} from './two-factor.repository.js'
import { updateUser } from './users.repository.js'

/** Staff and owners must sign in with a second factor; customers may choose to. */
export function mustUseTwoFactor(user: Pick<User, 'role'>): boolean {
  return user.role === 'staff' || user.role === 'owner'
}

export type TwoFactorPage =
  | { enabled: true; required: boolean; codesLeft: string }
  | { enabled: false; secret: string; qrSvg: string; uri: string }

/**
 * /account/two-factor: how it stands when it is on; when it is off, the
 * secret being set up, as a QR code and as a key to type. That secret lives
 * in the session until a code proves the app has it: `pendingSecret` is it,
 * and `newSecret` is one made now, for the session to keep.
 */
export async function twoFactorPage(
  db: Db,
  user: User,
  pendingSecret: string | undefined,
): Promise<{ data: TwoFactorPage; newSecret?: string }> {
  if (user.totp_enabled_at) return { data: await twoFactorOnPage(db, user) }
  const secret = pendingSecret ?? generateTotpSecret()
  const shop = await getShopSettings(db)
  const uri = totpUri({ secret, accountName: user.email, issuer: shop.shopName })
  const data = {
    enabled: false as const,
    secret: secret.match(/.{1,4}/g)?.join(' ') ?? secret,
    qrSvg: await totpQrSvg(uri),
    uri,
  }
  return pendingSecret ? { data } : { data, newSecret: secret }
}

/** The page while two-factor sign-in is on (and the page a failed try to turn it off shows again). */
export async function twoFactorOnPage(db: Db, user: User): Promise<TwoFactorPage & { enabled: true }> {
  const left = await countUnusedRecoveryCodes(db, user.id)
  return {
    enabled: true,
    required: mustUseTwoFactor(user),
    codesLeft: `${left} unused recovery code${left === 1 ? '' : 's'}`,
  }
}

export type EnableResult =
  | { kind: 'enabled'; recoveryCodes: string[] }
  /** Nothing being set up (no secret in the session), or it is on already: back to the page. */
  | { kind: 'unchanged' }
  | Invalid

/**
 * Turns two-factor sign-in on once the person proves their app has the
 * secret by typing a code from it. Returns ten recovery codes to show once;
 * only their hashes are kept. Whether there is anything to turn on is
 * judged before the form, so it takes the edge's verdict on the code.
 */
export async function enableTwoFactor(
  db: Db,
  user: User,
  secret: string | undefined,
  form: Validated<SecondFactorInput>,
  ctx: RequestContext,
): Promise<EnableResult> {
  if (!secret || user.totp_enabled_at) return { kind: 'unchanged' }
  if (!form.ok) return invalid(form.errors)
  const result = verifyTotp({ secret, code: form.value.code })
  if (!result.ok) return invalid({ code: 'That code is not right. Check your app and try the newest code' })
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
  return { kind: 'enabled', recoveryCodes: codes }
}

/**
 * Customers may turn it off again with their password; staff and owners may
 * not, whatever the form says: that is judged first, so it takes the edge's
 * verdict on the password.
 */
export async function disableTwoFactor(
  db: Db,
  user: User,
  form: Validated<TurnOffTwoFactorInput>,
  ctx: RequestContext,
): Promise<{ kind: 'disabled' } | Invalid> {
  if (mustUseTwoFactor(user)) return invalid({ password: 'Staff and owners must keep two-factor sign-in on' })
  if (!form.ok) return invalid(form.errors)
  if (!(await verifyPassword(form.value.password, user.password_hash, ctx.scrypt)).ok) {
    return invalid({ password: 'The password is not right' })
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
  return { kind: 'disabled' }
}

/**
 * Checks the second step of a sign-in: a code from the app (each usable
 * once) or one of the recovery codes (each usable once, spent in a single
 * statement so two tries at once cannot both use it). Null when it is not right.
 */
export async function verifySecondFactor(
  db: Db,
  user: User,
  code: string,
  ctx: RequestContext,
): Promise<'totp' | 'recovery_code' | null> {
  if (user.totp_secret && /^[\d\s]+$/.test(code)) {
    const result = verifyTotp({ secret: user.totp_secret, code, lastUsedStep: user.totp_last_step })
    if (result.ok) {
      await updateUser(db, user.id, { totp_last_step: result.step })
      return 'totp'
    }
  } else {
    if (await spendRecoveryCode(db, user.id, hashRecoveryCode(normaliseRecoveryCode(code)), nowIso())) {
      await audit(db, { action: 'recovery_code_used', actorUserId: user.id, ip: ctx.ip })
      return 'recovery_code'
    }
  }
  return null
}

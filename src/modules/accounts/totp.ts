import { HOTP, Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

// RFC 6238's defaults: the only settings every authenticator app honours, whatever the URI says.
const ALGORITHM = 'SHA1'
const DIGITS = 6
const PERIOD_SECONDS = 30
// 160 bits, the HMAC-SHA-1 key length RFC 4226 recommends.
const SECRET_BYTES = 20
const QR_LABEL = 'QR code for your authenticator app'

export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32
}

export function totpUri(options: { secret: string; accountName: string; issuer: string }): string {
  return new TOTP({
    issuer: options.issuer,
    label: options.accountName,
    secret: Secret.fromBase32(options.secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
  }).toString()
}

/** An SVG made on the server, so the set-up page works without JavaScript; labelled so a screen reader names it. */
export async function totpQrSvg(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  if (!/^<svg\s/.test(svg)) throw new Error('qrcode returned something other than an <svg> element')
  return svg.replace(/^<svg\s/, `<svg role="img" aria-label="${QR_LABEL}" `)
}

function stepAt(now: number): number {
  return Math.floor(now / 1000 / PERIOD_SECONDS)
}

export function currentTotpCode(secret: string, now: number = Date.now()): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    counter: stepAt(now),
  })
}

export type TotpVerification = { ok: true; step: number } | { ok: false }

/**
 * Accepts the current step and one either side, for a phone whose clock is a little off. A step at or before
 * lastUsedStep is refused, so a code seen over someone's shoulder cannot be used again. Each step is checked on its
 * own (rather than by the library's window) so a used step that happens to share the code cannot hide a fresh one.
 */
export function verifyTotp(options: {
  secret: string
  code: string
  lastUsedStep?: number | null
  now?: number
}): TotpVerification {
  const token = options.code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return { ok: false }
  const secret = Secret.fromBase32(options.secret)
  const current = stepAt(options.now ?? Date.now())
  const lastUsed = options.lastUsedStep ?? Number.NEGATIVE_INFINITY
  for (const step of [current, current - 1, current + 1]) {
    if (step <= lastUsed) continue
    const delta = HOTP.validate({ token, secret, algorithm: ALGORITHM, digits: DIGITS, counter: step, window: 0 })
    if (delta === 0) return { ok: true, step }
  }
  return { ok: false }
}

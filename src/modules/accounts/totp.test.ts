import { describe, expect, it } from 'vitest'
import { currentTotpCode, generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from './totp.js'

// RFC 6238 appendix B: the ASCII key '12345678901234567890', in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const NOW = Date.UTC(2030, 0, 1, 12, 0, 10)
const STEP = Math.floor(NOW / 30_000)
const PERIOD = 30_000

/** A six-digit code that is none of the codes of the three accepted steps. */
function wrongCode(secret: string, now: number): string {
  const accepted = [-1, 0, 1].map((offset) => currentTotpCode(secret, now + offset * PERIOD))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!accepted.includes(code)) return code
  }
}

describe('TOTP secrets', () => {
  it('generates a 160-bit base32 secret, different every time', () => {
    const secret = generateTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(generateTotpSecret()).not.toBe(secret)
  })
})

describe('TOTP codes', () => {
  it('computes the codes of RFC 6238 appendix B (SHA-1, truncated to six digits)', () => {
    expect(currentTotpCode(RFC_SECRET, 59_000)).toBe('287082')
    expect(currentTotpCode(RFC_SECRET, 1_111_111_109_000)).toBe('081804')
    expect(currentTotpCode(RFC_SECRET, 1_234_567_890_000)).toBe('005924')
    expect(currentTotpCode(RFC_SECRET, 20_000_000_000_000)).toBe('353130')
  })

  it('keeps the same code for the whole 30-second step and changes it at the next', () => {
    const start = STEP * PERIOD
    expect(currentTotpCode(RFC_SECRET, start + 29_999)).toBe(currentTotpCode(RFC_SECRET, start))
    expect(currentTotpCode(RFC_SECRET, start + PERIOD)).not.toBe(currentTotpCode(RFC_SECRET, start))
  })
})

describe('verifying a TOTP code', () => {
  it('accepts the current code of a new secret and returns its time step', () => {
    const secret = generateTotpSecret()
    const code = currentTotpCode(secret, NOW)
    expect(verifyTotp({ secret, code, now: NOW })).toEqual({ ok: true, step: STEP })
  })

  it('uses the clock when no time is given', () => {
    const secret = generateTotpSecret()
    const result = verifyTotp({ secret, code: currentTotpCode(secret) })
    expect(result.ok).toBe(true)
  })

  it('accepts the code of the previous and of the next step, for a clock that drifts', () => {
    const previous = currentTotpCode(RFC_SECRET, NOW - PERIOD)
    const next = currentTotpCode(RFC_SECRET, NOW + PERIOD)
    expect(verifyTotp({ secret: RFC_SECRET, code: previous, now: NOW })).toEqual({ ok: true, step: STEP - 1 })
    expect(verifyTotp({ secret: RFC_SECRET, code: next, now: NOW })).toEqual({ ok: true, step: STEP + 1 })
  })

  it('refuses a code from two steps before or after', () => {
    const before = currentTotpCode(RFC_SECRET, NOW - 2 * PERIOD)
    const after = currentTotpCode(RFC_SECRET, NOW + 2 * PERIOD)
    expect(verifyTotp({ secret: RFC_SECRET, code: before, now: NOW })).toEqual({ ok: false })
    expect(verifyTotp({ secret: RFC_SECRET, code: after, now: NOW })).toEqual({ ok: false })
  })

  it('refuses a code whose step was already used, so a code works only once', () => {
    const code = currentTotpCode(RFC_SECRET, NOW)
    const first = verifyTotp({ secret: RFC_SECRET, code, now: NOW })
    expect(first).toEqual({ ok: true, step: STEP })
    expect(verifyTotp({ secret: RFC_SECRET, code, lastUsedStep: STEP, now: NOW + 5_000 })).toEqual({ ok: false })
  })

  it('refuses an older step once a later one was used, and accepts a step after the last used one', () => {
    const previous = currentTotpCode(RFC_SECRET, NOW - PERIOD)
    const current = currentTotpCode(RFC_SECRET, NOW)
    expect(verifyTotp({ secret: RFC_SECRET, code: previous, lastUsedStep: STEP, now: NOW })).toEqual({ ok: false })
    expect(verifyTotp({ secret: RFC_SECRET, code: current, lastUsedStep: STEP - 1, now: NOW })).toEqual({
      ok: true,
      step: STEP,
    })
    expect(verifyTotp({ secret: RFC_SECRET, code: current, lastUsedStep: null, now: NOW })).toEqual({
      ok: true,
      step: STEP,
    })
  })

  it('refuses a wrong code', () => {
    const code = wrongCode(RFC_SECRET, NOW)
    expect(verifyTotp({ secret: RFC_SECRET, code, now: NOW })).toEqual({ ok: false })
  })

  it('refuses the right code under another secret', () => {
    const code = currentTotpCode(RFC_SECRET, NOW)
    const other = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
    expect(currentTotpCode(other, NOW)).not.toBe(code)
    expect(verifyTotp({ secret: other, code, now: NOW })).toEqual({ ok: false })
  })

  it('refuses codes of five or seven digits, letters and the empty string', () => {
    const code = currentTotpCode(RFC_SECRET, NOW)
    for (const bad of [code.slice(0, 5), `${code}0`, `0${code}`, `${code.slice(0, 5)}a`, 'abcdef', '', '      ']) {
      expect(verifyTotp({ secret: RFC_SECRET, code: bad, now: NOW }), bad).toEqual({ ok: false })
    }
  })

  it('refuses non-ASCII digits that look like the code', () => {
    const code = currentTotpCode(RFC_SECRET, NOW)
    const fullWidth = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join('')
    expect(verifyTotp({ secret: RFC_SECRET, code: fullWidth, now: NOW })).toEqual({ ok: false })
  })

  it('ignores spaces in the code, as apps show it in two groups', () => {
    const code = currentTotpCode(RFC_SECRET, NOW)
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`
    expect(spaced).toMatch(/^\d{3} \d{3}$/)
    expect(verifyTotp({ secret: RFC_SECRET, code: spaced, now: NOW })).toEqual({ ok: true, step: STEP })
    expect(verifyTotp({ secret: RFC_SECRET, code: ` ${code} `, now: NOW })).toEqual({ ok: true, step: STEP })
  })
})

describe('the otpauth URI', () => {
  it('starts with otpauth://totp/ and names the issuer, the account and the secret', () => {
    const uri = totpUri({ secret: RFC_SECRET, accountName: 'ann@example.com', issuer: 'Corner Shop' })
    expect(uri.startsWith('otpauth://totp/')).toBe(true)
    const url = new URL(uri)
    expect(decodeURIComponent(url.pathname)).toBe('/Corner Shop:ann@example.com')
    expect(url.searchParams.get('issuer')).toBe('Corner Shop')
    expect(url.searchParams.get('secret')).toBe(RFC_SECRET)
  })

  it('states SHA-1, six digits and a 30-second period', () => {
    const url = new URL(totpUri({ secret: RFC_SECRET, accountName: 'ann@example.com', issuer: 'Corner Shop' }))
    expect(url.searchParams.get('algorithm')).toBe('SHA1')
    expect(url.searchParams.get('digits')).toBe('6')
    expect(url.searchParams.get('period')).toBe('30')
  })

  it('escapes characters that would break the URI', () => {
    const uri = totpUri({ secret: RFC_SECRET, accountName: 'a+b@example.com', issuer: 'Tea & Cake' })
    const url = new URL(uri)
    expect(url.searchParams.get('issuer')).toBe('Tea & Cake')
    expect(decodeURIComponent(url.pathname)).toBe('/Tea & Cake:a+b@example.com')
  })
})

describe('the QR code', () => {
  it('is an SVG image with an accessible name', async () => {
    const uri = totpUri({ secret: RFC_SECRET, accountName: 'ann@example.com', issuer: 'Corner Shop' })
    const svg = await totpQrSvg(uri)
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*>/)
    expect(svg).toMatch(/^<svg [^>]*aria-label="QR code for your authenticator app"[^>]*>/)
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"')
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('<path')
  })

  it('differs for a different URI', async () => {
    const a = await totpQrSvg(totpUri({ secret: RFC_SECRET, accountName: 'ann@example.com', issuer: 'Shop' }))
    const b = await totpQrSvg(totpUri({ secret: generateTotpSecret(), accountName: 'ann@example.com', issuer: 'Shop' }))
    expect(a).not.toBe(b)
  })
})

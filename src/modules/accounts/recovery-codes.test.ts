import { describe, expect, it } from 'vitest'
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js'

const FORMAT = /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/

describe('recovery codes', () => {
  it('generates ten codes by default, all different', () => {
    const codes = generateRecoveryCodes()
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
  })

  it('generates as many codes as asked for', () => {
    expect(generateRecoveryCodes(3)).toHaveLength(3)
  })

  it('writes each code as three groups of four characters, without 0, o, 1, l or i', () => {
    for (const code of generateRecoveryCodes(50)) {
      expect(code).toMatch(FORMAT)
      expect(code).not.toMatch(/[01oli]/)
    }
  })

  it('gives different codes on every call', () => {
    const first = generateRecoveryCodes()
    const second = generateRecoveryCodes()
    expect(first.filter((code) => second.includes(code))).toEqual([])
  })

  it('uses most of the alphabet, so the codes are not drawn from a narrow range', () => {
    const seen = new Set(generateRecoveryCodes(100).join('').replaceAll('-', ''))
    expect(seen.size).toBeGreaterThanOrEqual(28)
  })
})

describe('normalising what a person types', () => {
  it('lower-cases and drops spaces and dashes', () => {
    expect(normaliseRecoveryCode('7H3K 9M2P-X4QA')).toBe('7h3k9m2px4qa')
    expect(normaliseRecoveryCode('  7h3k-9m2p-x4qa\n')).toBe('7h3k9m2px4qa')
  })

  it('drops the other dashes a phone keyboard may put in', () => {
    expect(normaliseRecoveryCode('7h3k\u20139m2p\u2014x4qa')).toBe('7h3k9m2px4qa')
  })
})

describe('hashing recovery codes', () => {
  it('gives a SHA-256 hex digest that is the same every time', () => {
    const hash = hashRecoveryCode('7h3k-9m2p-x4qa')
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hashRecoveryCode('7h3k-9m2p-x4qa')).toBe(hash)
  })

  it('hashes the normalised code, so the typed form matches the printed one', () => {
    expect(hashRecoveryCode('7H3K 9M2P X4QA')).toBe(hashRecoveryCode('7h3k-9m2p-x4qa'))
  })

  it('gives different hashes for different codes', () => {
    const hashes = generateRecoveryCodes().map(hashRecoveryCode)
    expect(new Set(hashes).size).toBe(10)
    expect(hashRecoveryCode('7h3k-9m2p-x4qa')).not.toBe(hashRecoveryCode('7h3k-9m2p-x4qb'))
  })

  it('never contains the code itself', () => {
    const [code] = generateRecoveryCodes(1)
    expect(hashRecoveryCode(code as string)).not.toContain(normaliseRecoveryCode(code as string))
  })
})

import { describe, expect, it } from 'vitest'
import { hashPassword, isCommonPassword, RECOMMENDED_SCRYPT, verifyAgainstDecoy, verifyPassword } from './password.js'

const fast = { ln: 10, r: 8, p: 1 }

describe('password hashing', () => {
  it('uses scrypt with N=2^17, r=8, p=1 and a 16-byte salt by default, recorded in the hash', async () => {
    const hash = await hashPassword('correct horse battery staple')
    const [, , params, salt, key] = hash.split('$')
    expect(params).toBe('ln=17,r=8,p=1')
    expect(Buffer.from(salt as string, 'base64')).toHaveLength(16)
    expect(Buffer.from(key as string, 'base64')).toHaveLength(32)
    expect(RECOMMENDED_SCRYPT).toEqual({ ln: 17, r: 8, p: 1 })
  })

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple', fast)
    expect(await verifyPassword('correct horse battery staple', hash, fast)).toEqual({ ok: true, needsRehash: false })
    expect(await verifyPassword('correct horse battery stapler', hash, fast)).toEqual({ ok: false, needsRehash: false })
  })

  it('salts every hash, so the same password never hashes the same twice', async () => {
    expect(await hashPassword('same password', fast)).not.toBe(await hashPassword('same password', fast))
  })

  it('asks for a rehash when the hash was made with other parameters', async () => {
    const old = await hashPassword('correct horse battery staple', { ln: 9, r: 8, p: 1 })
    expect(await verifyPassword('correct horse battery staple', old, fast)).toEqual({ ok: true, needsRehash: true })
    expect(await verifyPassword('wrong password', old, fast)).toEqual({ ok: false, needsRehash: false })
  })

  it('treats the same text in another Unicode form as the same password', async () => {
    const composed = 'caf\u00e9 au lait!'
    const decomposed = 'cafe\u0301 au lait!'
    expect((await verifyPassword(decomposed, await hashPassword(composed, fast), fast)).ok).toBe(true)
  })

  it('refuses a malformed or foreign hash instead of throwing', async () => {
    for (const stored of ['', 'plain', '$2b$10$abcdefghijklmnopqrstuv', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA']) {
      expect(await verifyPassword('x', stored, fast)).toEqual({ ok: false, needsRehash: false })
    }
  })

  it('has a decoy to spend the same time on an unknown account', async () => {
    await expect(verifyAgainstDecoy('anything', fast)).resolves.toBeUndefined()
  })
})

describe('isCommonPassword', () => {
  it('knows the most common passwords, whatever their case', () => {
    for (const p of ['password', '12345678', 'Qwertyuiop', 'iloveyou', 'PASSWORD1'])
      expect(isCommonPassword(p), p).toBe(true)
  })
  it('lets an uncommon password through', () => {
    expect(isCommonPassword('violet tractor meadow 42')).toBe(false)
  })
})

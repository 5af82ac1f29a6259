import { createHash, randomInt } from 'node:crypto'

// Digits and lower-case letters without 0/o, 1/l/i: nothing a person can misread when copying from paper.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'
const GROUPS = 3
const GROUP_LENGTH = 4
// 12 characters of 31 give about 59 bits each: far beyond guessing through a rate-limited sign-in form.

export function generateRecoveryCodes(count = 10): string[] {
  const codes = new Set<string>()
  while (codes.size < count) codes.add(generateCode())
  return [...codes]
}

function generateCode(): string {
  const groups: string[] = []
  for (let g = 0; g < GROUPS; g++) {
    let group = ''
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET.charAt(randomInt(ALPHABET.length))
    groups.push(group)
  }
  return groups.join('-')
}

/** Whatever case, spacing or dashes a person types (phones may turn '-' into another dash), the same code matches. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s\p{Pd}]/gu, '')
}

/**
 * Only the hash is stored, so a database leak opens no account. A fast, unsalted SHA-256 is enough (unlike for
 * passwords) because each code is ~59 random bits: there is no dictionary to try, and a lookup by hash stays possible.
 */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex')
}

import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { projectRoot } from '../../lib/paths.js'
import { createWorkLimit } from '../../lib/work-limit.js'

/** scrypt's cost parameters; N = 2^ln. OWASP's recommendation is ln=17, r=8, p=1. */
export interface ScryptParams {
  ln: number
  r: number
  p: number
}

export const RECOMMENDED_SCRYPT: ScryptParams = { ln: 17, r: 8, p: 1 }
const SALT_BYTES = 16
const KEY_BYTES = 32
const PREFIX = '$scrypt$'

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

/**
 * Every hash in this process goes through one short queue. scrypt at the
 * recommended cost is about a third of a second of one core and 128 MiB; run
 * as many at once as requests ask, it takes every thread of libuv's pool (4)
 * and every core, and the storefront's file reads and compression wait behind
 * it — 40 sign-ins at once made pages wait 35 s. One core is left to serve
 * pages; beyond the queue a sign-in is refused with 503 and Retry-After.
 */
export const hashingLimit = createWorkLimit({
  concurrency: Math.max(1, availableParallelism() - 1),
  maxWaiting: 8,
  retryAfterSeconds: 5,
})

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 }
  return hashingLimit.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(normalise(password), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  )
}

/** The same password typed on any keyboard hashes the same (NIST SP 800-63B asks for NFKC). */
function normalise(password: string): string {
  return password.normalize('NFKC')
}

/**
 * Hashes with scrypt in the thread pool (never blocking the event loop; see
 * hashingLimit, whose BusyError it throws when too many are waiting). The
 * stored string records its parameters — $scrypt$ln=17,r=8,p=1$salt$key — so
 * a later change of parameters can tell which hashes to upgrade.
 */
export async function hashPassword(password: string, params: ScryptParams = RECOMMENDED_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, params)
  return `${PREFIX}ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export interface Verification {
  ok: boolean
  /** The hash was made with other parameters than the current ones: store a new one now the password is known. */
  needsRehash: boolean
}

export async function verifyPassword(
  password: string,
  stored: string,
  current: ScryptParams = RECOMMENDED_SCRYPT,
): Promise<Verification> {
  const parsed = parseHash(stored)
  if (!parsed) return { ok: false, needsRehash: false }
  const key = await derive(password, parsed.salt, parsed.params)
  const ok = key.length === parsed.key.length && timingSafeEqual(key, parsed.key)
  const p = parsed.params
  return { ok, needsRehash: ok && (p.ln !== current.ln || p.r !== current.r || p.p !== current.p) }
}

/** A hash of nothing anybody knows, verified when an account does not exist so both answers take as long. */
const decoys = new Map<string, Promise<string>>()
export async function verifyAgainstDecoy(password: string, params: ScryptParams = RECOMMENDED_SCRYPT): Promise<void> {
  // One decoy per cost: a decoy made at another cost would answer faster or slower than a real account.
  const key = `${params.ln},${params.r},${params.p}`
  let decoy = decoys.get(key)
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'), params)
    decoys.set(key, decoy)
    // A decoy refused for a busy moment is made again next time, not kept as a failure.
    decoy.catch(() => decoys.delete(key))
  }
  await verifyPassword(password, await decoy, params)
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored)
  if (!match) return null
  const [, ln, r, p, salt, key] = match
  const params = { ln: Number(ln), r: Number(r), p: Number(p) }
  if (params.ln < 1 || params.ln > 24 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return null
  return { params, salt: Buffer.from(salt as string, 'base64'), key: Buffer.from(key as string, 'base64') }
}

let common: Set<string> | undefined

/** One of the 10,000 most common passwords (OWASP SecLists), compared without regard to case. */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    readFileSync(join(projectRoot, 'src/modules/accounts/data/common-passwords.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((p) => p.toLowerCase()),
  )
  return common.has(password.toLowerCase())
}

import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import type { PoolOptions } from './db/dialect/postgres.js'
import { projectRoot } from './lib/paths.js'
import { RECOMMENDED_SCRYPT, type ScryptParams } from './modules/accounts/password.js'

/** A problem with the environment, reported as one line before the server starts. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export type Environment = 'development' | 'production' | 'test'
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  env: Environment
  isProduction: boolean
  host: string
  port: number
  /** A postgres:// URL, or the absolute path of the SQLite database file (or ':memory:'). */
  database: string
  /** PostgreSQL only: connections per process, how long one statement may run, how long a request waits for a connection. */
  databasePool: PoolOptions
  /** Where the stored product images are kept (served at /media/ either way). */
  media: MediaConfig
  sessionSecret: string
  /** The shop's public origin; null in development when not set. */
  publicUrl: URL | null
  seedDemo: boolean
  logLevel: LogLevel
  logRequests: boolean
  /** Passed to Fastify's trustProxy: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string
  /** smtp:// or smtps:// URL of the mail server; null keeps mail in the database (development). */
  smtpUrl: string | null
  /** The address emails come from; the shop's name is shown with it. */
  mailFrom: string
  /** Deliver the outbox from inside the server (true), or leave it to `npm run worker` (false). */
  runWorker: boolean
  /** Memory for rendered anonymous pages (see src/plugins/page-cache.ts); 0 turns the cache off. */
  pageCacheBytes: number
  /** Stripe Checkout, when both keys are set; null otherwise. */
  stripe: StripeConfig | null
  /** Requests a minute the JSON API takes from one client: an address (no token), a customer's token, an API key. */
  apiRateLimit: ApiRateLimit
  /** scrypt cost for new password hashes; not an environment setting (tests lower it for speed). */
  passwordHashing: ScryptParams
}

export interface ApiRateLimit {
  anonymous: number
  customer: number
  key: number
}

/** A folder on this machine (the default), or a bucket of an S3-compatible object store that several machines share. */
export type MediaConfig = LocalMediaConfig | S3MediaConfig

export interface LocalMediaConfig {
  storage: 'local'
  /** Absolute path of the folder. */
  dir: string
}

export interface S3MediaConfig {
  storage: 's3'
  /** The store's origin (MinIO, R2, Garage, …), addressed path-style; null for Amazon S3 itself. */
  endpoint: string | null
  region: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
}

export interface StripeConfig {
  secretKey: string
  webhookSecret: string
  /** Where Stripe's API is: null for Stripe itself, or a stand-in's origin (tests, stripe-mock). */
  apiUrl: URL | null
}

const flag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      error: `${name} must be true or false`,
    })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], {
    error: 'NODE_ENV must be development, production or test',
  }),
  HOST: z.string().min(1, 'HOST must not be empty').optional(),
  PORT: z.coerce
    .number({ error: 'PORT must be a number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(3000),
  DATABASE_URL: z.string().default('sqlite:db/shop.sqlite'),
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'DATABASE_POOL_SIZE must be a number' })
    .int('DATABASE_POOL_SIZE must be a whole number')
    .min(1, 'DATABASE_POOL_SIZE must be between 1 and 1000')
    .max(1000, 'DATABASE_POOL_SIZE must be between 1 and 1000')
    .default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number({ error: 'DATABASE_STATEMENT_TIMEOUT_MS must be a number of milliseconds' })
    .int('DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds')
    .min(100, 'DATABASE_STATEMENT_TIMEOUT_MS must be at least 100')
    .max(3_600_000, 'DATABASE_STATEMENT_TIMEOUT_MS must be at most 3600000 (an hour)')
    .default(15_000),
  MEDIA_STORAGE: z.enum(['local', 's3'], { error: 'MEDIA_STORAGE must be local or s3' }).default('local'),
  MEDIA_DIR: z.string().default('db/media'),
  S3_ENDPOINT: z.string().optional(),
  S3_REGION: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters long').optional(),
  PUBLIC_URL: z.string().optional(),
  SEED_DEMO: flag('SEED_DEMO').optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_REQUESTS: flag('LOG_REQUESTS').default(false),
  TRUST_PROXY: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'SMTP_URL must look like smtp://user:password@mail.example.com:587 or smtps://…')
    .optional(),
  MAIL_FROM: z.email({ error: 'MAIL_FROM must be an email address, like shop@example.com' }).optional(),
  RUN_WORKER: flag('RUN_WORKER').default(true),
  PAGE_CACHE_MB: z.coerce
    .number({ error: 'PAGE_CACHE_MB must be a number' })
    .min(0, 'PAGE_CACHE_MB must be 0 (off) or more')
    .max(65536, 'PAGE_CACHE_MB must be at most 65536')
    .optional(),
  API_RATE_LIMIT_ANONYMOUS: perMinute('API_RATE_LIMIT_ANONYMOUS', 300),
  API_RATE_LIMIT_CUSTOMER: perMinute('API_RATE_LIMIT_CUSTOMER', 600),
  API_RATE_LIMIT_KEY: perMinute('API_RATE_LIMIT_KEY', 1200),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\S+$/, 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_… or sk_test_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\S+$/, 'STRIPE_WEBHOOK_SECRET must be the signing secret of a Stripe webhook endpoint (whsec_…)')
    .optional(),
  STRIPE_API_URL: z.string().optional(),
})

/** Reads the environment into a typed Config; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { secretFile?: string } = {}): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  input.NODE_ENV ??= 'development'
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(issue?.message ?? 'invalid configuration')
  }
  const e = parsed.data
  const isProduction = e.NODE_ENV === 'production'

  const publicUrl = e.PUBLIC_URL === undefined ? null : parsePublicUrl(e.PUBLIC_URL)
  if (isProduction && !publicUrl) {
    throw new ConfigError('PUBLIC_URL is required in production (for example https://shop.example.com)')
  }

  let sessionSecret = e.SESSION_SECRET
  if (!sessionSecret) {
    if (isProduction) {
      throw new ConfigError('SESSION_SECRET is required in production (a random string of at least 32 characters)')
    }
    sessionSecret = developmentSecret(options.secretFile ?? resolve(projectRoot, '.secrets/session-secret'))
  }

  if (isProduction && !e.SMTP_URL) {
    throw new ConfigError('SMTP_URL is required in production, so the shop can send email (smtp:// or smtps://)')
  }
  if (isProduction && e.SEED_DEMO === true) {
    throw new ConfigError('SEED_DEMO cannot be true in production: demo data is for development only')
  }

  return {
    stripe: stripeConfig(e.STRIPE_SECRET_KEY, e.STRIPE_WEBHOOK_SECRET, e.STRIPE_API_URL),
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST ?? (isProduction ? '0.0.0.0' : 'localhost'),
    port: e.PORT,
    database: parseDatabaseUrl(e.DATABASE_URL),
    databasePool: { size: e.DATABASE_POOL_SIZE, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS },
    media: mediaConfig(e),
    sessionSecret,
    publicUrl,
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV === 'development',
    logLevel: e.LOG_LEVEL,
    logRequests: e.LOG_REQUESTS,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? `no-reply@${publicUrl?.hostname ?? 'localhost'}`,
    runWorker: e.RUN_WORKER,
    // Off in development, where templates are read afresh on every view and a cached page would hide an edit.
    pageCacheBytes: Math.round((e.PAGE_CACHE_MB ?? (isProduction ? 64 : 0)) * 1024 * 1024),
    apiRateLimit: {
      anonymous: e.API_RATE_LIMIT_ANONYMOUS,
      customer: e.API_RATE_LIMIT_CUSTOMER,
      key: e.API_RATE_LIMIT_KEY,
    },
    passwordHashing: RECOMMENDED_SCRYPT,
  }
}

function perMinute(name: string, fallback: number) {
  return z.coerce
    .number({ error: `${name} must be a number of requests a minute` })
    .int(`${name} must be a whole number of requests a minute`)
    .min(1, `${name} must be at least 1`)
    .max(10_000_000, `${name} must be at most 10000000`)
    .default(fallback)
}

/** What MEDIA_STORAGE=s3 cannot do without, with what each is for. */
const REQUIRED_S3 = {
  S3_BUCKET: 'the bucket the product images are kept in',
  S3_REGION: 'the region of the bucket, such as eu-west-1; most other stores take us-east-1',
  S3_ACCESS_KEY_ID: 'the access key that may read and write the bucket',
  S3_SECRET_ACCESS_KEY: 'the secret of S3_ACCESS_KEY_ID',
} as const
const requiredS3 = Object.keys(REQUIRED_S3) as (keyof typeof REQUIRED_S3)[]

/**
 * The local folder, or a bucket with everything needed to reach it. Messages
 * name variables, never a value: S3_SECRET_ACCESS_KEY is a password.
 */
function mediaConfig(e: z.infer<typeof schema>): MediaConfig {
  if (e.MEDIA_STORAGE === 'local') {
    // Meant for a bucket but not switched on, each machine would keep its own pictures and miss the others'.
    const stray = ['S3_ENDPOINT' as const, ...requiredS3].find((name) => e[name] !== undefined)
    if (stray) {
      throw new ConfigError(
        `${stray} is set, but MEDIA_STORAGE is not s3: set MEDIA_STORAGE=s3 to keep the images in the bucket, or remove the S3_ variables`,
      )
    }
    return { storage: 'local', dir: isAbsolute(e.MEDIA_DIR) ? e.MEDIA_DIR : resolve(projectRoot, e.MEDIA_DIR) }
  }
  const required = (name: keyof typeof REQUIRED_S3): string => {
    const value = e[name]
    if (value === undefined) throw new ConfigError(`${name} is required when MEDIA_STORAGE=s3 (${REQUIRED_S3[name]})`)
    return value
  }
  return {
    storage: 's3',
    bucket: required('S3_BUCKET'),
    region: required('S3_REGION'),
    accessKeyId: required('S3_ACCESS_KEY_ID'),
    secretAccessKey: required('S3_SECRET_ACCESS_KEY'),
    endpoint: e.S3_ENDPOINT === undefined ? null : parseS3Endpoint(e.S3_ENDPOINT),
  }
}

function parseS3Endpoint(value: string): string {
  const example = 'such as https://s3.example.com or http://127.0.0.1:9000'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`S3_ENDPOINT must be an absolute URL, ${example}`)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`S3_ENDPOINT must be an http:// or https:// origin, without a path, ${example}`)
  }
  if (url.username || url.password) {
    throw new ConfigError('S3_ENDPOINT must not hold credentials: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY')
  }
  return url.origin
}

function stripeConfig(
  secretKey: string | undefined,
  webhookSecret: string | undefined,
  apiUrl: string | undefined,
): StripeConfig | null {
  if (!secretKey && !webhookSecret) {
    if (apiUrl) throw new ConfigError('STRIPE_API_URL is set, but STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not')
    return null
  }
  if (!secretKey) throw new ConfigError('STRIPE_WEBHOOK_SECRET is set, so STRIPE_SECRET_KEY must be set too')
  if (!webhookSecret)
    throw new ConfigError(
      'STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET must be too: orders are marked paid only by signed webhooks',
    )
  let url: URL | null = null
  if (apiUrl && /^(sk|rk)_live_/.test(secretKey)) {
    throw new ConfigError('STRIPE_API_URL is for test keys only: a live key is only ever sent to Stripe itself')
  }
  if (apiUrl) {
    try {
      url = new URL(apiUrl)
    } catch {
      throw new ConfigError('STRIPE_API_URL must be an absolute URL such as http://127.0.0.1:12111')
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search) {
      throw new ConfigError('STRIPE_API_URL must be an http:// or https:// origin, without a path')
    }
  }
  return { secretKey, webhookSecret, apiUrl: url }
}

function parsePublicUrl(value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError('PUBLIC_URL must be an absolute URL such as https://shop.example.com')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL must start with http:// or https://')
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigError('PUBLIC_URL must be an origin only, without a path, query or credentials')
  }
  return url
}

/**
 * A postgres:// or postgresql:// URL is kept as it is (checked for a host and
 * a database name); sqlite:PATH, file:PATH or a plain path name a SQLite
 * file, relative paths taken from the project folder. Messages never repeat
 * the value: it may hold a password.
 */
export function parseDatabaseUrl(value: string): string {
  if (/^postgres(ql)?:/i.test(value)) {
    const example = 'for example postgres://shop:password@127.0.0.1:5432/shop'
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid PostgreSQL URL, ${example}`)
    }
    if (!url.hostname) throw new ConfigError(`DATABASE_URL must name the PostgreSQL server's host, ${example}`)
    if (url.pathname.length < 2) throw new ConfigError(`DATABASE_URL must name the database after the host, ${example}`)
    return value
  }
  const match = /^(?:sqlite|file):(?:\/\/)?(.*)$/.exec(value)
  const path = match ? match[1] : value
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !match) {
    throw new ConfigError(
      'DATABASE_URL must name a SQLite file (sqlite:db/shop.sqlite) or a PostgreSQL database (postgres://…)',
    )
  }
  if (!path) throw new ConfigError('DATABASE_URL must name a SQLite file, for example sqlite:db/shop.sqlite')
  if (path === ':memory:') return path
  return isAbsolute(path) ? path : resolve(projectRoot, path)
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false' || value === '0') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  if (/^[0-9a-f.:/, ]+$/i.test(value)) return value
  throw new ConfigError('TRUST_PROXY must be true, false, a number of proxies, or a list of proxy addresses')
}

/** Development keeps one generated secret in a git-ignored file so sessions survive restarts. */
function developmentSecret(file: string): string {
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim()
    if (secret.length >= 32) return secret
  }
  const secret = randomBytes(32).toString('base64url')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  return secret
}

import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseDatabaseUrl } from './config.js'
import { projectRoot } from './lib/paths.js'

const secret = 'x'.repeat(40)
const production = {
  NODE_ENV: 'production',
  SESSION_SECRET: secret,
  PUBLIC_URL: 'https://shop.example.com',
  SMTP_URL: 'smtp://mail.example.com:587',
}
const tempSecretFile = () => join(mkdtempSync(join(tmpdir(), 'shopfront-config-')), 'nested', 'session-secret')

function bootError(env: Record<string, string>): string {
  try {
    loadConfig(env, { secretFile: tempSecretFile() })
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('expected the configuration to be refused')
}

describe('loadConfig', () => {
  it('starts a production shop when the secret and public URL are given', () => {
    const config = loadConfig(production)
    expect(config.isProduction).toBe(true)
    expect(config.publicUrl?.origin).toBe('https://shop.example.com')
    expect(config.seedDemo).toBe(false)
    expect(config.host).toBe('0.0.0.0')
    expect(config.port).toBe(3000)
  })

  it('refuses production without SESSION_SECRET, naming it', () => {
    expect(bootError({ NODE_ENV: 'production', PUBLIC_URL: 'https://shop.example.com' })).toMatch(/^SESSION_SECRET /)
  })

  it('refuses a SESSION_SECRET shorter than 32 characters', () => {
    expect(bootError({ ...production, SESSION_SECRET: 'short' })).toMatch(/SESSION_SECRET must be at least 32/)
  })

  it('refuses production without PUBLIC_URL, naming it', () => {
    expect(bootError({ NODE_ENV: 'production', SESSION_SECRET: secret })).toMatch(/^PUBLIC_URL is required/)
  })

  it.each([
    ['not a url', /PUBLIC_URL must be an absolute URL/],
    ['ftp://shop.example.com', /PUBLIC_URL must start with http/],
    ['https://shop.example.com/shop', /PUBLIC_URL must be an origin only/],
  ])('refuses PUBLIC_URL %s', (value, message) => {
    expect(bootError({ ...production, PUBLIC_URL: value })).toMatch(message)
  })

  it('turns Stripe Checkout on with both keys, and only then', () => {
    expect(loadConfig(production).stripe).toBeNull()
    const stripe = loadConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_def' })
    expect(stripe.stripe).toEqual({ secretKey: 'sk_live_abc', webhookSecret: 'whsec_def', apiUrl: null })
    const standIn = loadConfig({
      ...production,
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_def',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
    })
    expect(standIn.stripe?.apiUrl?.origin).toBe('http://127.0.0.1:12111')
  })

  it.each([
    [
      { STRIPE_SECRET_KEY: 'sk_test_abc' },
      /STRIPE_WEBHOOK_SECRET must be too: orders are marked paid only by signed webhooks/,
    ],
    [{ STRIPE_WEBHOOK_SECRET: 'whsec_def' }, /STRIPE_SECRET_KEY must be set too/],
    [
      { STRIPE_SECRET_KEY: 'pk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_def' },
      /STRIPE_SECRET_KEY must be a Stripe secret key/,
    ],
    [
      { STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'abc' },
      /STRIPE_WEBHOOK_SECRET must be the signing secret/,
    ],
    [{ STRIPE_API_URL: 'http://127.0.0.1:12111' }, /STRIPE_API_URL is set, but/],
    [
      { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_def', STRIPE_API_URL: 'http://127.0.0.1/v1' },
      /STRIPE_API_URL must be an http/,
    ],
    [
      { STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_def', STRIPE_API_URL: 'http://127.0.0.1:1' },
      /STRIPE_API_URL is for test keys only/,
    ],
  ])('refuses Stripe settings %o', (stripe, message) => {
    expect(bootError({ ...production, ...stripe })).toMatch(message)
  })

  it('refuses production without SMTP_URL, so no email silently stays unsent', () => {
    const { SMTP_URL: _, ...withoutSmtp } = production
    expect(bootError(withoutSmtp)).toMatch(/^SMTP_URL is required in production/)
  })

  it('takes the mail settings, with a sender at the public host by default', () => {
    const config = loadConfig(production)
    expect(config).toMatchObject({
      smtpUrl: 'smtp://mail.example.com:587',
      mailFrom: 'no-reply@shop.example.com',
      runWorker: true,
    })
    expect(loadConfig({ ...production, MAIL_FROM: 'hello@shop.example.com', RUN_WORKER: 'false' })).toMatchObject({
      mailFrom: 'hello@shop.example.com',
      runWorker: false,
    })
  })

  it('refuses demo data in production', () => {
    expect(bootError({ ...production, SEED_DEMO: 'true' })).toMatch(/^SEED_DEMO/)
  })

  it.each([
    ['PORT', 'eighty', /^PORT must be a number/],
    ['PORT', '70000', /^PORT must be between/],
    ['NODE_ENV', 'staging', /^NODE_ENV must be/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL must be/],
    ['SEED_DEMO', 'maybe', /^SEED_DEMO must be true or false/],
    ['TRUST_PROXY', 'everyone', /^TRUST_PROXY must be/],
    ['DATABASE_URL', 'mysql://db/shop', /^DATABASE_URL must name a SQLite file .* or a PostgreSQL database/],
    ['DATABASE_URL', 'postgres:///shop', /^DATABASE_URL must name the PostgreSQL server's host/],
    ['DATABASE_URL', 'postgres://shop:s3cret@/shop', /^DATABASE_URL is not a valid PostgreSQL URL/],
    ['DATABASE_URL', 'postgres://shop:s3cret@db.example.com:5432', /^DATABASE_URL must name the database/],
    ['DATABASE_URL', 'postgresql://shop:s3cret@[db:5432/shop', /^DATABASE_URL is not a valid PostgreSQL URL/],
    ['DATABASE_POOL_SIZE', '0', /^DATABASE_POOL_SIZE must be between 1 and 1000/],
    ['DATABASE_POOL_SIZE', 'many', /^DATABASE_POOL_SIZE must be a number/],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '5', /^DATABASE_STATEMENT_TIMEOUT_MS must be at least 100/],
    ['SMTP_URL', 'mail.example.com', /^SMTP_URL must look like smtp:/],
    ['MAIL_FROM', 'shop', /^MAIL_FROM must be an email address/],
    ['RUN_WORKER', 'sometimes', /^RUN_WORKER must be true or false/],
  ])('names %s when it is %s', (name, value, message) => {
    expect(bootError({ NODE_ENV: 'development', [name]: value })).toMatch(message)
  })

  it('never repeats a database password in a message', () => {
    for (const url of [
      'postgres://shop:s3cret@/shop',
      'postgresql://shop:s3cret@[db:5432/shop',
      'postgres://shop:s3cret@h',
    ]) {
      expect(bootError({ NODE_ENV: 'development', DATABASE_URL: url })).not.toContain('s3cret')
    }
  })

  it('takes a PostgreSQL URL as it is, with the pool size and statement timeout', () => {
    const base = { NODE_ENV: 'development', SESSION_SECRET: secret }
    for (const url of [
      'postgres://shop:pw@db.example.com:5432/shop',
      'postgresql://shop@127.0.0.1/shop?sslmode=require',
    ]) {
      expect(loadConfig({ ...base, DATABASE_URL: url }).database).toBe(url)
    }
    expect(loadConfig(base).databasePool).toEqual({ size: 10, statementTimeoutMs: 15_000 })
    expect(
      loadConfig({ ...base, DATABASE_POOL_SIZE: '25', DATABASE_STATEMENT_TIMEOUT_MS: '2000' }).databasePool,
    ).toEqual({ size: 25, statementTimeoutMs: 2000 })
    expect(loadConfig({ ...base, DATABASE_URL: 'sqlite:db/other.sqlite' }).database).toBe(
      join(projectRoot, 'db', 'other.sqlite'),
    )
  })

  it('generates a development secret once, keeps it private, and reuses it', () => {
    const secretFile = tempSecretFile()
    const first = loadConfig({ NODE_ENV: 'development' }, { secretFile })
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(secretFile, 'utf8').trim()).toBe(first.sessionSecret)
    expect(statSync(secretFile).mode & 0o777).toBe(0o600)
    expect(loadConfig({ NODE_ENV: 'development' }, { secretFile }).sessionSecret).toBe(first.sessionSecret)
  })

  it('does not write a secret file when SESSION_SECRET is given', () => {
    const secretFile = tempSecretFile()
    loadConfig({ NODE_ENV: 'development', SESSION_SECRET: secret }, { secretFile })
    expect(existsSync(secretFile)).toBe(false)
  })

  it('defaults development to localhost:3000 with demo data, overridable', () => {
    const config = loadConfig({ NODE_ENV: 'development', SESSION_SECRET: secret })
    expect(config).toMatchObject({ host: 'localhost', port: 3000, seedDemo: true, publicUrl: null, trustProxy: false })
    expect(loadConfig({ NODE_ENV: 'development', SESSION_SECRET: secret, SEED_DEMO: 'false' }).seedDemo).toBe(false)
    expect(
      loadConfig({ NODE_ENV: 'development', SESSION_SECRET: secret, PORT: '8080', HOST: '0.0.0.0' }),
    ).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
    })
  })

  it('keeps product images in db/media under the project folder unless MEDIA_DIR names another', () => {
    const base = { NODE_ENV: 'development', SESSION_SECRET: secret }
    const local = (dir: string) => ({ storage: 'local', dir })
    expect(loadConfig(base).media).toEqual(local(join(projectRoot, 'db', 'media')))
    expect(loadConfig({ ...base, MEDIA_STORAGE: 'local' }).media).toEqual(local(join(projectRoot, 'db', 'media')))
    expect(loadConfig({ ...base, MEDIA_DIR: 'var/images' }).media).toEqual(local(join(projectRoot, 'var', 'images')))
    expect(loadConfig({ ...base, MEDIA_DIR: '/srv/shop/media' }).media).toEqual(local('/srv/shop/media'))
  })

  it('reads TRUST_PROXY as a flag, a hop count or addresses', () => {
    const base = { NODE_ENV: 'development', SESSION_SECRET: secret }
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toBe('10.0.0.1, 10.0.0.0/8')
  })
})

describe('product images in an S3 bucket', () => {
  const s3 = {
    ...production,
    MEDIA_STORAGE: 's3',
    S3_ENDPOINT: 'http://127.0.0.1:9000',
    S3_BUCKET: 'shop-images',
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'shop',
    S3_SECRET_ACCESS_KEY: 'a-secret-never-shown',
  }

  it('reads the bucket, the endpoint as an origin and the key', () => {
    expect(loadConfig({ ...s3, S3_ENDPOINT: 'https://S3.Example.com/' }).media).toEqual({
      storage: 's3',
      endpoint: 'https://s3.example.com',
      bucket: 'shop-images',
      region: 'us-east-1',
      accessKeyId: 'shop',
      secretAccessKey: 'a-secret-never-shown',
    })
  })

  it('takes Amazon S3 itself when no S3_ENDPOINT is given', () => {
    const { S3_ENDPOINT: _, ...amazon } = s3
    expect(loadConfig({ ...amazon, S3_REGION: 'eu-west-1' }).media).toMatchObject({
      storage: 's3',
      endpoint: null,
      region: 'eu-west-1',
    })
  })

  it.each(['S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const)(
    'refuses MEDIA_STORAGE=s3 without %s, in one line naming it',
    (name) => {
      for (const env of [
        { ...s3, [name]: undefined },
        { ...s3, [name]: '' },
      ]) {
        const message = bootError(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)))
        expect(message).toMatch(new RegExp(`^${name} is required when MEDIA_STORAGE=s3 \\(`))
        expect(message).not.toContain('\n')
        expect(message).not.toContain('a-secret-never-shown')
      }
    },
  )

  it('refuses a MEDIA_STORAGE other than local or s3', () => {
    expect(bootError({ ...production, MEDIA_STORAGE: 'gcs' })).toBe('MEDIA_STORAGE must be local or s3')
    expect(bootError({ ...s3, MEDIA_STORAGE: 'S3' })).toBe('MEDIA_STORAGE must be local or s3')
  })

  it.each([
    ['not a url', /^S3_ENDPOINT must be an absolute URL/],
    ['ftp://s3.example.com', /^S3_ENDPOINT must be an http:\/\/ or https:\/\/ origin/],
    ['https://s3.example.com/shop-images', /^S3_ENDPOINT must be an http:\/\/ or https:\/\/ origin, without a path/],
    ['https://shop:a-secret-never-shown@s3.example.com', /^S3_ENDPOINT must not hold credentials/],
  ])('refuses S3_ENDPOINT %s without repeating it', (value, message) => {
    const refusal = bootError({ ...s3, S3_ENDPOINT: value })
    expect(refusal).toMatch(message)
    expect(refusal).not.toContain('a-secret-never-shown')
  })

  it('refuses S3 settings that MEDIA_STORAGE does not switch on, so no machine keeps pictures of its own by mistake', () => {
    const { MEDIA_STORAGE: _, ...forgotten } = s3
    expect(bootError(forgotten)).toMatch(/^S3_ENDPOINT is set, but MEDIA_STORAGE is not s3/)
    expect(bootError({ ...production, S3_BUCKET: 'shop-images' })).toMatch(
      /^S3_BUCKET is set, but MEDIA_STORAGE is not s3/,
    )
  })
})

describe('parseDatabaseUrl', () => {
  it('takes sqlite:, file: and plain paths, relative ones from the project folder', () => {
    expect(parseDatabaseUrl('sqlite:db/shop.sqlite')).toMatch(/\/db\/shop\.sqlite$/)
    expect(parseDatabaseUrl('sqlite:///var/lib/shop.sqlite')).toBe('/var/lib/shop.sqlite')
    expect(parseDatabaseUrl('file:/tmp/a.sqlite')).toBe('/tmp/a.sqlite')
    expect(parseDatabaseUrl('/tmp/b.sqlite')).toBe('/tmp/b.sqlite')
    expect(parseDatabaseUrl('sqlite::memory:')).toBe(':memory:')
  })
})

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { publicDir } from '../lib/paths.js'

const ASSET_PREFIX = '/assets/'

interface Manifest {
  /** 'css/shop.css' → '/assets/css/shop.1a2b3c4d5e.css' */
  urls: Map<string, string>
  /** 'css/shop.1a2b3c4d5e.css' → 'css/shop.css' */
  files: Map<string, string>
  stamp: string
}

/** Fingerprints every file under public/ by its content, so a changed file gets a new URL. */
export function buildManifest(root: string): Manifest {
  const urls = new Map<string, string>()
  const files = new Map<string, string>()
  for (const file of walk(root)) {
    const name = relative(root, file).split(sep).join('/')
    const bytes = readFileSync(file)
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10)
    const dot = name.lastIndexOf('.')
    const hashed = dot > name.lastIndexOf('/') ? `${name.slice(0, dot)}.${hash}${name.slice(dot)}` : `${name}.${hash}`
    urls.set(name, ASSET_PREFIX + hashed)
    files.set(hashed, name)
  }
  return { urls, files, stamp: stampOf(root) }
}

/** Changes whenever a file is added, removed or modified; cheaper than hashing every file. */
function stampOf(root: string): string {
  return Array.from(walk(root), (file) => `${file}:${statSync(file).mtimeMs}`).join('|')
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else if (entry.isFile()) yield path
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The fingerprinted URL of a file under public/, e.g. asset('css/shop.css'). */
    asset(name: string): string
  }
}

/**
 * Serves public/ at fingerprinted URLs with a year's immutable caching. In
 * development the manifest is rebuilt when a file changes, so an edited
 * stylesheet shows on the next reload.
 */
export const assetsPlugin = fp(
  async (app: FastifyInstance, opts: { production: boolean; root?: string }) => {
    const root = opts.root ?? publicDir
    let manifest = buildManifest(root)
    const current = (): Manifest => {
      if (!opts.production && stampOf(root) !== manifest.stamp) manifest = buildManifest(root)
      return manifest
    }

    app.decorate('asset', (name: string) => {
      const url = current().urls.get(name)
      if (!url) throw new Error(`no asset named ${name} under public/`)
      return url
    })

    await app.register(fastifyStatic, { root, serve: false })

    app.get<{ Params: { '*': string } }>(`${ASSET_PREFIX}*`, (request, reply) => {
      const name = current().files.get(request.params['*'])
      if (!name) return reply.callNotFound()
      return reply.sendFile(name, { maxAge: '365d', immutable: true })
    })

    app.get('/favicon.ico', (_request, reply) => reply.sendFile('favicon.ico', { maxAge: '1d', immutable: false }))
  },
  { name: 'shopfront-assets' },
)

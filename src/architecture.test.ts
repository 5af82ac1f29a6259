import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './lib/paths.js'

/**
 * The structure docs/architecture.md describes, held by a test: imports
 * point one way (route → service → repository), route files and views are
 * named for their URLs. A rule broken here lists every file that breaks it.
 */

const src = path.join(projectRoot, 'src')
const routesDir = path.join(src, 'routes')
const viewsDir = path.join(projectRoot, 'views')

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return walk(full, ext)
    return full.endsWith(ext) ? [full] : []
  })
}

const rel = (file: string) => path.relative(projectRoot, file).split(path.sep).join('/')
const sources = walk(src, '.ts').filter(
  (file) => !file.endsWith('.test.ts') && !file.includes(`${path.sep}testing${path.sep}`),
)

/** Every relative import of a file (type-only ones too: they tie files together just the same), as source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found = text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)
  return [...found].map((match) => path.resolve(path.dirname(file), (match[1] as string).replace(/\.js$/, '.ts')))
}

const graph = new Map(sources.map((file) => [file, importsOf(file)]))
const isRoute = (file: string) => file.startsWith(routesDir + path.sep)

/** A route file may import another only to register it: an area's index.ts or `_` file, importing from its own folder down. */
function mayImportRoute(from: string, to: string): boolean {
  const registrar = /^(index|_[^/]*)\.ts$/.test(path.basename(from))
  const helper =
    path.basename(to).startsWith('_') && (path.dirname(from) + path.sep).startsWith(path.dirname(to) + path.sep)
  return helper || (registrar && (path.dirname(to) + path.sep).startsWith(path.dirname(from) + path.sep))
}

describe('imports point one way', () => {
  it('no module, plugin or library imports a route file (only the app registers them)', () => {
    const broken = sources
      .filter((file) => !isRoute(file) && rel(file) !== 'src/app.ts')
      .flatMap((file) => (graph.get(file) ?? []).filter(isRoute).map((to) => `${rel(file)} → ${rel(to)}`))
    expect(broken).toEqual([])
  })

  it('no route imports a repository: routes call services', () => {
    const broken = sources
      .filter(isRoute)
      .flatMap((file) =>
        (graph.get(file) ?? []).filter((to) => to.endsWith('.repository.ts')).map((to) => `${rel(file)} → ${rel(to)}`),
      )
    expect(broken).toEqual([])
  })

  it('no route imports another route file, except an area registering the routes below it', () => {
    const broken = sources
      .filter(isRoute)
      .flatMap((file) =>
        (graph.get(file) ?? [])
          .filter((to) => isRoute(to) && !mayImportRoute(file, to))
          .map((to) => `${rel(file)} → ${rel(to)}`),
      )
    expect(broken).toEqual([])
  })

  it('no file imports itself round a circle', () => {
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const trail: string[] = []
    const visit = (file: string) => {
      state.set(file, 'open')
      trail.push(file)
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue
        if (state.get(next) === 'open') circles.push(trail.slice(trail.indexOf(next)).concat(next).map(rel).join(' → '))
        else if (!state.has(next)) visit(next)
      }
      trail.pop()
      state.set(file, 'done')
    }
    for (const file of graph.keys()) if (!state.has(file)) visit(file)
    expect(circles).toEqual([])
  })

  it('finds the imports it checks (the rules above are not vacuous)', () => {
    expect(graph.get(path.join(routesDir, 'admin', 'index.ts'))).toContain(
      path.join(routesDir, 'admin', '_permissions.ts'),
    )
    expect([...graph.values()].flat().some((to) => to.endsWith('.repository.ts'))).toBe(true)
  })
})

/**
 * Areas registered under a prefix (src/app.ts): their files write URLs
 * without it. The test below checks that app.ts still says so.
 */
const PREFIXED: Record<string, string> = { api: '/api', 'api/v1': '/api/v1', webhooks: '/webhooks' }

/** The URLs a route file registers, as written: `app.get('/x', …)`, `app.post<{…}>('/x/:id', …)`. */
function urlsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [
    ...text.matchAll(/\bapp\.(?:get|post|put|patch|delete|head|options|all)\s*(?:<[\s\S]*?>)?\(\s*['`]([^'`]+)['`]/g),
  ].map((match) => match[1] as string)
}

/** `/admin/products/:id/images` → `/admin/products/images`; `/sitemaps/products-:n(^\d+).xml` → `/sitemaps/products-.xml`. */
function withoutParams(url: string): string {
  const kept = url
    .replace(/:[A-Za-z_]\w*(\([^)]*\))?/g, '')
    .split('/')
    .filter((segment) => segment !== '')
  return `/${kept.join('/')}`
}

/** The URL a route file is named for: `routes/admin/orders.ts` → `/admin/orders`, `routes/admin/index.ts` → `/admin`. */
function urlOfFile(file: string): { base: string; index: boolean } {
  const parts = path.relative(routesDir, file).replace(/\.ts$/, '').split(path.sep)
  // The deepest prefixed area the file is in: api/v1/x.ts writes URLs without /api/v1.
  const area = Object.keys(PREFIXED)
    .filter((key) => parts.slice(0, key.split('/').length).join('/') === key)
    .sort((a, b) => b.length - a.length)[0]
  if (area) parts.splice(0, area.split('/').length)
  const index = parts.at(-1) === 'index'
  if (index) parts.pop()
  return { base: parts.length ? `/${parts.join('/')}` : '', index }
}

describe('route files and views are named for their URLs', () => {
  const routeFiles = sources.filter(isRoute)

  it('a route file serves only URLs that, without their :params, start with its path (index.ts: its folder)', () => {
    const broken = routeFiles.flatMap((file) => {
      if (path.basename(file).startsWith('_'))
        return urlsOf(file).map((url) => `${rel(file)} serves ${url} but is named as serving none`)
      const { base, index } = urlOfFile(file)
      return urlsOf(file)
        .filter((url) => {
          const plain = withoutParams(url)
          if (index) return base === '' ? plain !== '/' : !atOrBelow(plain, base)
          return !plain.startsWith(base)
        })
        .map((url) => `${rel(file)} serves ${url}`)
    })
    expect(broken).toEqual([])
  })

  it('finds the URLs of every route file that registers routes', () => {
    expect(urlsOf(path.join(routesDir, 'admin', 'orders.ts'))).toContain('/admin/orders/:number')
    expect(routeFiles.filter((file) => urlsOf(file).length > 0).length).toBeGreaterThan(40)
  })

  it('the prefixed areas are registered under their prefix by the app', () => {
    for (const [area, prefix] of Object.entries(PREFIXED)) {
      // A top-level area is registered by app.ts; a nested one by its parent area's index.ts, under the rest of the prefix.
      const parent = area.includes('/') ? area.slice(0, area.lastIndexOf('/')) : null
      const registrar = parent ? path.join(routesDir, parent, 'index.ts') : path.join(src, 'app.ts')
      const from = parent ? `./${area.slice(parent.length + 1)}/` : `./routes/${area}/`
      const ownPrefix = parent ? prefix.slice((PREFIXED[parent] ?? '').length) : prefix
      const text = readFileSync(registrar, 'utf8')
      const plugin = text.match(new RegExp(`import (\\w+) from '${from}`))?.[1]
      expect(plugin, `${rel(registrar)} imports an area from src/routes/${area}`).toBeDefined()
      expect(text).toMatch(new RegExp(`register\\(${plugin}, \\{ prefix: '${ownPrefix}'`))
    }
  })

  it('every page template lives in the folder of the route file that serves it (views/<route path>/)', () => {
    const shared = ['layouts', 'partials', 'emails', 'errors']
    const broken = walk(viewsDir, '.eta')
      .map((file) => path.relative(viewsDir, path.dirname(file)).split(path.sep).join('/'))
      .filter((folder) => !shared.includes(folder.split('/')[0] as string))
      .filter((folder) => {
        const candidates = folder === '' ? ['index.ts'] : [`${folder}.ts`, `${folder}/index.ts`]
        return !candidates.some((candidate) => exists(path.join(routesDir, candidate)))
      })
    expect([...new Set(broken)]).toEqual([])
  })
})

/** `/admin/products`, `/admin/products/7` and `/admin/products.csv` are at or below `/admin/products`; `/admin/productsx` is not. */
function atOrBelow(url: string, base: string): boolean {
  return url === base || (url.startsWith(base) && /^[/.]/.test(url.slice(base.length)))
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

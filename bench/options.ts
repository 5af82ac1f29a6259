/** `npm run bench`'s command line. */
import { parseArgs } from 'node:util'
import { isDatabaseOption } from './databases.js'
import { PAGES } from './pages.js'
import { SHOP_PAGES } from './shop-pages.js'

const DEFAULT_CONNECTIONS = [50, 10]

export const USAGE = `Usage: npm run bench -- [--products 1000[,100000]] [--orders 1000000] [--duration 5] [--rounds 3]
                       [--pages home,listing,filtered,product,search,sitemap,dashboard,admin-products,admin-product-search,admin-orders,admin-search,admin-order,/any/path]
                       [--connections 50,10] [--gzip] [--page-cache on|off] [--database sqlite|postgres://…] [--node-flags="..."]

  --products     catalogue sizes, comma-separated (default 1000); one table per size
  --orders       orders to seed as well (default 0); with orders, the back-office pages are measured too,
                 signed in as a staff member (the seed takes under 5 minutes for 1,000,000)
  --duration     seconds per wrk burst (default 5)
  --rounds       rounds per page and connection count; each is a hello burst then a page burst (default 3)
  --pages        page names, or literal paths starting with /, to measure (default: the six shop pages,
                 and the four back-office pages when there are orders)
  --connections  wrk connection counts, comma-separated (default 50,10)
  --gzip         send Accept-Encoding: gzip, as browsers do (default: no compression)
  --page-cache   on (default, as in production): anonymous pages are served from memory after their
                 first view until the catalogue or settings change; off: every request renders its page
  --database     sqlite (default: a file per size in bench/.data/) or a postgres:// URL: a database per size,
                 shopfront_bench_<size>, created on that server and kept for the next run
  --node-flags=  extra Node flags for the shop server, space-separated: --node-flags="--cpu-prof --cpu-prof-dir=prof"
                 writes a CPU profile when the server stops, "--trace-gc" logs its garbage collections
                 (bench/.data/server-<size>.log)`

class UsageError extends Error {}

export interface Options {
  sizes: number[]
  orders: number
  duration: number
  rounds: number
  pages: string[]
  connections: number[]
  gzip: boolean
  pageCache: boolean
  /** `sqlite`, or the PostgreSQL server (a postgres:// URL) the databases are kept on. */
  database: string
  /** Extra Node flags for the shop server (profiling, GC tracing). */
  nodeFlags: string[]
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      products: { type: 'string', default: '1000' },
      orders: { type: 'string', default: '0' },
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      pages: { type: 'string' },
      connections: { type: 'string', default: DEFAULT_CONNECTIONS.join(',') },
      gzip: { type: 'boolean', default: false },
      'page-cache': { type: 'string', default: 'on' },
      database: { type: 'string', default: 'sqlite' },
      'node-flags': { type: 'string', default: '' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const list = (name: string, raw: string, min: number) =>
    raw.split(',').map((part) => {
      const text = part.trim().replace(/_/g, '')
      if (!/^\d+$/.test(text) || Number(text) < min)
        throw new UsageError(`--${name} takes whole numbers of at least ${min}, comma-separated (got "${raw}")`)
      return Number(text)
    })
  const [orders] = list('orders', values.orders, 0)
  const pages = (values.pages ?? (orders ? PAGES : SHOP_PAGES).join(',')).split(',').map((p) => p.trim())
  for (const page of pages) {
    if (!page.startsWith('/') && !(PAGES as readonly string[]).includes(page))
      throw new UsageError(`--pages: unknown page "${page}"; use ${PAGES.join(', ')} or a path starting with /`)
  }
  if (values['page-cache'] !== 'on' && values['page-cache'] !== 'off')
    throw new UsageError(`--page-cache takes on or off (got "${values['page-cache']}")`)
  if (!isDatabaseOption(values.database))
    throw new UsageError(`--database takes sqlite or a postgres:// URL (got "${values.database}")`)
  const [duration] = list('duration', values.duration, 1)
  const [rounds] = list('rounds', values.rounds, 1)
  return {
    sizes: [...new Set(list('products', values.products, 0))].sort((a, b) => a - b),
    orders: orders ?? 0,
    duration: duration ?? 5,
    rounds: rounds ?? 3,
    pages,
    connections: list('connections', values.connections, 1),
    gzip: values.gzip,
    pageCache: values['page-cache'] === 'on',
    database: values.database,
    nodeFlags: values['node-flags'].split(' ').filter(Boolean),
  }
}

/**
 * The markdown the bench prints on stdout: the machine it ran on, a table of
 * pages and a table of weights per catalogue size, and the comparison of the
 * largest size with the smallest.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { relative } from 'node:path'
import { type Catalogue, databaseLabel } from './databases.js'
import type { Row } from './measure.js'
import type { Options } from './options.js'
import { label } from './pages.js'
import { CLIENT_CPU, canPin, root, SERVER_CPU } from './processes.js'
import type { Weight } from './weights.js'
import { wrkVersion } from './wrk.js'

export const fmtInt = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '—' : Math.round(n).toLocaleString('en')
export const fmtMs = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)
export const fmtRatio = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(3))
const fmtKib = (n: number | undefined) => (n === undefined ? '—' : (n / 1024).toFixed(1))
export const code = (text: string) => `\`${text.replace(/`/g, "'")}\``

function problems(row: Row): string {
  if (row.target.skip) return `skipped: ${row.target.skip}`
  const notes: string[] = []
  if (row.status !== undefined && (row.status < 200 || row.status >= 400)) notes.push(`HTTP ${row.status}`)
  if (row.errors) {
    const share = row.requests ? ` (${((100 * row.errors) / row.requests).toFixed(0)}%)` : ''
    notes.push(`${row.errors.toLocaleString('en')} non-2xx/3xx${share}`)
  }
  if (row.socketErrors) notes.push(`${row.socketErrors.toLocaleString('en')} socket errors`)
  return notes.length ? `⚠ ${notes.join(', ')}` : ''
}

function table(rows: Row[]): string {
  const lines = [
    '| page | conns | req/s | p50 ms | p99 ms | × hello | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const row of rows) {
    lines.push(
      `| ${label(row.target, code)} | ${row.connections} | ${fmtInt(row.rps)} | ${fmtMs(row.p50)} | ${fmtMs(row.p99)} | ${fmtRatio(row.ratio)} | ${problems(row)} |`,
    )
  }
  return lines.join('\n')
}

function weightTable(list: Weight[]): string {
  const lines = ['| resource | path | raw KiB | gzip KiB | budget | |', '| --- | --- | ---: | ---: | --- | --- |']
  for (const w of list) {
    const gzip = w.gzip === undefined ? '—' : `${fmtKib(w.gzip)}${w.gzipNote ? '*' : ''}`
    lines.push(
      `| ${w.what} | ${w.path === '—' ? '—' : code(w.path)} | ${fmtKib(w.raw)} | ${gzip} | ${w.budget} | ${w.verdict} |`,
    )
  }
  if (list.some((w) => w.gzipNote))
    lines.push('', '\\* the server did not compress it; gzipped here at the default level.')
  return lines.join('\n')
}

export function machine(options: Options): string {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU'
  const commit = (() => {
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      const head = git('rev-parse', '--short', 'HEAD')
      const dirty = git('status', '--porcelain', '--', 'src', 'views', 'public', 'db')
      return dirty ? `${head} with uncommitted changes` : head
    } catch {
      return 'unknown'
    }
  })()
  const pinning = canPin
    ? `servers on CPU ${SERVER_CPU}, wrk on CPU ${CLIENT_CPU} (taskset)`
    : '⚠ not pinned (needs 2 CPUs and taskset): figures are noisy'
  return [
    '# Shopfront benchmark',
    '',
    `- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    `- Machine: ${model}, ${os.availableParallelism()} cores, ${os.type()} ${os.release()}; ${pinning}`,
    `- Node ${process.version}, ${wrkVersion().replace(/\s*Copyright.*$/, '')}`,
    `- Commit: ${commit}`,
    options.database === 'sqlite'
      ? '- Database: SQLite, a file per catalogue size in bench/.data/.'
      : `- Database: PostgreSQL at ${databaseLabel(options.database)} (${postgresVersion(options.database)}), unpinned: it shares the CPUs with the server and wrk.`,
    `- Each round: ${options.duration} s of hello-world, then ${options.duration} s of the page; ${options.rounds} round(s); medians shown. ` +
      `wrk -t1 with keep-alive, ${options.gzip ? 'Accept-Encoding: gzip' : 'no Accept-Encoding (uncompressed responses)'}.`,
    options.pageCache
      ? '- Page cache: on, as in production: an anonymous page is rendered at its first view and served from memory until the catalogue or settings change (`--page-cache off` renders every request).'
      : '- Page cache: off (PAGE_CACHE_MB=0): every request renders its page.',
  ].join('\n')
}

/** The server's version, e.g. "PostgreSQL 15.14", for the table's header. */
function postgresVersion(url: string): string {
  try {
    return execFileSync('psql', [url, '-XAtc', 'show server_version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .replace(/^/, 'PostgreSQL ')
      .replace(/\s*\(.*$/, '')
  } catch {
    return 'version unknown'
  }
}

export function comparison(results: Map<number, Row[]>): string | null {
  const sizes = [...results.keys()]
  if (sizes.length < 2) return null
  const small = sizes[0] ?? 0
  const large = sizes[sizes.length - 1] ?? 0
  const smallRows = results.get(small) ?? []
  const largeRows = results.get(large) ?? []
  const lines = [
    `## ${large.toLocaleString('en')} products vs ${small.toLocaleString('en')}`,
    '',
    `Requests/s at the largest catalogue divided by requests/s at the smallest (1.00 = no slower); the last column divides the × hello figures instead, which cancels drift of the machine between the two runs.`,
    '',
    `| page | conns | req/s @ ${small.toLocaleString('en')} | req/s @ ${large.toLocaleString('en')} | ratio | ratio of × hello |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const row of largeRows) {
    const base = smallRows.find((r) => r.target.name === row.target.name && r.connections === row.connections)
    const flag = problems(row) || (base && problems(base)) ? ' ⚠' : ''
    const ratio = base?.rps && row.rps ? row.rps / base.rps : undefined
    const hello = base?.ratio && row.ratio ? row.ratio / base.ratio : undefined
    lines.push(
      `| ${row.target.name.startsWith('/') ? code(row.target.name) : row.target.name}${flag} | ${row.connections} | ${fmtInt(base?.rps)} | ${fmtInt(row.rps)} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${hello === undefined ? '—' : hello.toFixed(2)} |`,
    )
  }
  return lines.join('\n')
}

/** One catalogue size's section: what the database held, the pages' table and the weights. */
export function sizeSection(section: {
  size: number
  catalogue: Catalogue
  /** Seconds the seed took in this run; undefined when the database was reused. */
  seeded: number | undefined
  /** Hello-world's median rate at each connection count. */
  baseline: string
  rows: Row[]
  weights: Weight[]
  /** Lines the server logged at warn or above, and where. */
  logged: number
  logFile: string
}): string {
  const { catalogue, seeded } = section
  return [
    `## ${section.size.toLocaleString('en')} products`,
    '',
    `Catalogue: ${catalogue.products.toLocaleString('en')} products and ${catalogue.orders.toLocaleString('en')} orders in the database` +
      `${seeded !== undefined ? ` (seeded in ${seeded.toFixed(1)} s)` : ''}` +
      `${catalogue.searchWord ? `; search word “${catalogue.searchWord}”` : ''}` +
      `${catalogue.orderSearch ? `; order search “${catalogue.orderSearch}”` : ''}. ` +
      `Hello-world baseline (median): ${section.baseline || '—'}.`,
    '',
    table(section.rows),
    '',
    weightTable(section.weights),
    ...(section.logged
      ? [
          '',
          `⚠ The server logged ${section.logged} line(s) at warn or above: see ${code(relative(root, section.logFile))}.`,
        ]
      : []),
  ].join('\n')
}

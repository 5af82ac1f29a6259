/**
 * The rounds: each is one burst against hello-world, then one against the
 * page, and that round's ratio is page req/s ÷ hello req/s; the rows keep
 * the medians of the rounds.
 */
import { get } from './http.js'
import type { Options } from './options.js'
import { label, type Target } from './pages.js'
import { log } from './processes.js'
import { fmtInt, fmtMs, fmtRatio } from './report.js'
import { type Burst, type WrkResult, wrk } from './wrk.js'

export interface Row {
  target: Target
  connections: number
  status?: number
  rps?: number
  p50?: number
  p99?: number
  ratio?: number
  requests: number
  errors: number
  socketErrors: number
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

export async function measure(
  targets: Target[],
  hello: Burst,
  options: Options,
  helloRates: Map<number, number[]>,
): Promise<Row[]> {
  const rows: Row[] = []
  const warmUp = Math.min(2, options.duration)
  for (const target of targets) {
    let status: number | undefined
    if (target.probe) {
      try {
        status = (await get(target.probe, target.headers)).status
      } catch (err) {
        log(`  ${label(target)}: ${(err as Error).message}`)
      }
    }
    if (!target.burst) {
      for (const connections of options.connections)
        rows.push({ target, connections, requests: 0, errors: 0, socketErrors: 0 })
      continue
    }
    log(`  ${label(target)}: HTTP ${status ?? '?'}; warming up for ${warmUp} s`)
    await wrk(target.burst, Math.min(...options.connections), warmUp, options.gzip)
    for (const connections of options.connections) {
      const rounds: { page: WrkResult; ratio: number }[] = []
      for (let round = 1; round <= options.rounds; round++) {
        const base = await wrk(hello, connections, options.duration, options.gzip)
        const page = await wrk(target.burst, connections, options.duration, options.gzip)
        const ratio = base.rps > 0 ? page.rps / base.rps : Number.NaN
        const rates = helloRates.get(connections) ?? []
        rates.push(base.rps)
        helloRates.set(connections, rates)
        rounds.push({ page, ratio })
        log(
          `    ${connections} conns, round ${round}/${options.rounds}: ${fmtInt(page.rps)} req/s ` +
            `(hello ${fmtInt(base.rps)}) × ${fmtRatio(ratio)}, p99 ${fmtMs(page.p99)} ms` +
            (page.errors || page.socketErrors
              ? `, ⚠ ${page.errors} non-2xx/3xx, ${page.socketErrors} socket errors`
              : ''),
        )
      }
      rows.push({
        target,
        connections,
        ...(status === undefined ? {} : { status }),
        rps: median(rounds.map((r) => r.page.rps)),
        p50: median(rounds.map((r) => r.page.p50)),
        p99: median(rounds.map((r) => r.page.p99)),
        ratio: median(rounds.map((r) => r.ratio)),
        requests: rounds.reduce((sum, r) => sum + r.page.requests, 0),
        errors: rounds.reduce((sum, r) => sum + r.page.errors, 0),
        socketErrors: rounds.reduce((sum, r) => sum + r.page.socketErrors, 0),
      })
    }
  }
  return rows
}

/** Hello-world's median rate at each connection count, for the section's header. */
export function helloBaseline(helloRates: Map<number, number[]>, connections: number[]): string {
  return connections.map((c) => `${fmtInt(median(helloRates.get(c) ?? []))} req/s at ${c} connections`).join(', ')
}

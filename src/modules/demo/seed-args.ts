import { parseArgs } from 'node:util'
import { seeders } from './demo.seed.js'

/** A mistake on the command line, printed as it is. */
export class UsageError extends Error {}

/** Reads the size options that the registered seeders declare, e.g. --products 100000. */
export function parseSeedArgs(args: string[]): Record<string, number> {
  const declared = Object.fromEntries(seeders.flatMap((s) => Object.entries(s.options)))
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.keys(declared).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    })
  } catch (err) {
    const known = Object.keys(declared).map((n) => `--${n}`)
    throw new UsageError(
      `${(err as Error).message.split('\n')[0]}. ${known.length ? `Options: ${known.join(', ')}.` : 'db:seed takes no options yet.'}`,
    )
  }
  const sizes: Record<string, number> = {}
  for (const [name, option] of Object.entries(declared)) {
    const raw = parsed.values[name]
    if (raw === undefined) {
      sizes[name] = option.default
      continue
    }
    const n = Number(raw)
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n > option.max) {
      throw new UsageError(`--${name} takes a whole number from 0 to ${option.max.toLocaleString('en')}`)
    }
    sizes[name] = n
  }
  return sizes
}

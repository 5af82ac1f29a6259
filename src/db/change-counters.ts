import type { CompiledQuery } from 'kysely'
import type { Db } from './connection.js'
import type { ChangeCountersTable } from './schema.js'

export type Counter = ChangeCountersTable['name']

/** The counter's value now: it changes with every committed change to the data it counts. */
export async function readCounter(db: Db, name: Counter): Promise<number> {
  const row = await db.selectFrom('change_counters').select('version').where('name', '=', name).executeTakeFirst()
  return Number(row?.version ?? 0)
}

interface Generation<K, V> {
  version: number
  entries: Map<K, V>
}

/**
 * Copies of shared data kept in this process's memory, each good for one
 * version of a change counter. Every read asks the database for the counter
 * (one indexed read) and loads afresh when it moved, so a change made by any
 * process shows on the next page view: the database stays the only truth,
 * and a second process can join without anyone serving stale data.
 * Kept per database handle (tests open many); least recently used keys go
 * first once `limit` is reached.
 */
export class VersionedCache<K, V> {
  private readonly byDb = new WeakMap<Db, Generation<K, V>>()

  constructor(
    private readonly counter: Counter,
    private readonly limit = 1000,
  ) {}

  async get(db: Db, key: K, load: () => Promise<V>): Promise<V> {
    const version = await readCounter(db, this.counter)
    let generation = this.byDb.get(db)
    if (!generation || generation.version !== version) {
      generation = { version, entries: new Map() }
      this.byDb.set(db, generation)
    }
    const { entries } = generation
    if (entries.has(key)) {
      const hit = entries.get(key) as V
      entries.delete(key)
      entries.set(key, hit)
      return hit
    }
    const value = await load()
    // A change that landed while loading may be missing from the value: keep it only if the counter stood still.
    if ((await readCounter(db, this.counter)) === version) {
      entries.set(key, value)
      if (entries.size > this.limit) entries.delete(entries.keys().next().value as K)
    }
    return value
  }
}

const allCounters = new WeakMap<Db, CompiledQuery<{ name: string; version: number }>>()

/**
 * Every counter at once, as one string that changes whenever any of them
 * does. Read on every anonymous page view, so the query is compiled once per
 * database handle rather than built again each time.
 */
export async function readAllCounters(db: Db): Promise<string> {
  let query = allCounters.get(db)
  if (!query) {
    query = db.selectFrom('change_counters').select(['name', 'version']).orderBy('name').compile()
    allCounters.set(db, query)
  }
  const { rows } = await db.executeQuery(query)
  return rows.map((row) => `${row.name}:${row.version}`).join(' ')
}

import { AsyncLocalStorage } from 'node:async_hooks'

/** A moment that `nowIso` answers with, inside `atTime`. */
const pinned = new AsyncLocalStorage<Date>()

/** The current time as stored in the database: ISO-8601 in UTC. */
export function nowIso(): string {
  return (pinned.getStore() ?? new Date()).toISOString()
}

/**
 * Runs `work` as if it were `at`: every `nowIso` it reaches (services,
 * repositories, emails) answers with that moment, so the demo seeder can place
 * orders through the real services on the days they are shown as placed.
 * Only that work sees it; requests served meanwhile keep the real clock.
 */
export function atTime<T>(at: Date, work: () => Promise<T>): Promise<T> {
  return pinned.run(at, work)
}

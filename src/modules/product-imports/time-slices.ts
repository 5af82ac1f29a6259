import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

/**
 * Reading, planning and hashing a large file are step-by-step computations
 * (generators yielding between steps), so the same code runs at once in a
 * test or in slices beside the storefront's requests.
 */

/**
 * How long reading or planning a file may hold the event loop before it lets
 * waiting requests in: a count of rows would not do, as rows differ a
 * hundredfold in size, and the storefront shares this process.
 */
const SLICE_MS = 10

/** A function to await often: it lets the event loop turn once SLICE_MS have passed since it last did. */
export function timeSlices(): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < SLICE_MS) return
    await yieldToEventLoop()
    since = performance.now()
  }
}

/** Runs a step-by-step computation to its end, letting the event loop turn between steps every SLICE_MS. */
export async function inTurns<T>(steps: Generator<void, T>): Promise<T> {
  const turn = timeSlices()
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await turn()
  }
}

/** Runs a step-by-step computation to its end at once. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

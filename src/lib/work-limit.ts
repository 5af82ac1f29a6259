/** Refused because the work queue is full; the request answers 503 with Retry-After. */
export class BusyError extends Error {
  readonly statusCode = 503
  readonly code = 'SHOP_BUSY'
  readonly headers: Record<string, string>
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too much of this work is waiting; try again shortly',
  ) {
    super(message)
    this.headers = { 'retry-after': String(retryAfterSeconds) }
  }
}

export interface WorkLimit {
  /** Runs `work` when a place is free; throws BusyError at once when `maxWaiting` are already queued. */
  run<T>(work: () => Promise<T>): Promise<T>
  readonly running: number
  readonly waiting: number
  readonly concurrency: number
  readonly maxWaiting: number
  readonly retryAfterSeconds: number
  /** Whether `run` would refuse now: a caller can then refuse before doing any work of its own. */
  readonly full: boolean
}

/**
 * At most `concurrency` of one kind of work at a time, and a short queue
 * behind them. For expensive work in libuv's thread pool (password hashing):
 * unbounded, it fills every pool thread and the shop's file reads and
 * compression wait behind it; queued without end, every caller waits longer
 * than they will.
 */
export function createWorkLimit(options: {
  concurrency: number
  maxWaiting: number
  retryAfterSeconds: number
}): WorkLimit {
  let running = 0
  const queue: Array<() => void> = []
  /** A finished piece of work hands its place straight to the first in the queue, or gives it up. */
  const next = () => {
    const first = queue.shift()
    if (first) first()
    else running--
  }
  return {
    concurrency: options.concurrency,
    maxWaiting: options.maxWaiting,
    retryAfterSeconds: options.retryAfterSeconds,
    get running() {
      return running
    },
    get waiting() {
      return queue.length
    },
    get full() {
      return running >= options.concurrency && queue.length >= options.maxWaiting
    },
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running >= options.concurrency) {
        if (queue.length >= options.maxWaiting) throw new BusyError(options.retryAfterSeconds)
        // The place is handed over by `next`, so `running` is not taken twice.
        await new Promise<void>((resolve) => queue.push(resolve))
      } else {
        running++
      }
      try {
        return await work()
      } finally {
        next()
      }
    },
  }
}

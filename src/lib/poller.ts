export interface Poller {
  /** Look for work now, without waiting for the next round. */
  wake(): void
  /** Ends the run in hand (it is told through `isStopped`) and stops. */
  stop(): Promise<void>
}

/**
 * Calls `run` every `everyMs` and whenever woken, never twice at once: a wake
 * during a run, or a run that answers true (it found work, so more may be
 * waiting), makes it run again straight after. A run that throws is
 * reported to `onError` and tried again at the next round.
 */
export function startPoller(options: {
  everyMs: number
  run: (isStopped: () => boolean) => Promise<boolean>
  onError: (err: unknown) => void
}): Poller {
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  const tick = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = (async () => {
      do {
        again = false
        try {
          if (await options.run(() => stopped)) again = true
        } catch (err) {
          options.onError(err)
        }
      } while (again && !stopped)
    })().finally(() => {
      running = null
    })
  }
  const timer = setInterval(tick, options.everyMs)
  timer.unref()
  tick()
  return {
    wake: tick,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}

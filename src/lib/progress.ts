export interface Progress {
  /** Counts `n` more units done. */
  tick(n?: number): void
  /** Finishes the bar and prints the total time. */
  done(): void
}

/** Makes a progress bar for one step: createProgress on a terminal, silentProgress elsewhere. */
export type ProgressFactory = (label: string, total: number) => Progress

export const silentProgress: ProgressFactory = () => ({ tick() {}, done() {} })

interface Output {
  isTTY?: boolean
  columns?: number
  write(chunk: string): unknown
}

/**
 * A progress bar for long seeding and import runs. On a terminal it redraws
 * one line at most ten times a second; elsewhere (CI logs, pipes) it prints
 * only the closing line, so logs stay readable.
 */
export function createProgress(label: string, total: number, out: Output = process.stderr): Progress {
  const started = Date.now()
  let count = 0
  let lastDraw = 0

  const line = () => {
    const ratio = total > 0 ? Math.min(1, count / total) : 1
    const width = Math.max(10, Math.min(30, (out.columns ?? 80) - label.length - 40))
    const filled = Math.round(ratio * width)
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
    return `${label} ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}% ${count.toLocaleString('en')}/${total.toLocaleString('en')} ${elapsed(started)}`
  }

  return {
    tick(n = 1) {
      count += n
      if (!out.isTTY) return
      const now = Date.now()
      if (now - lastDraw < 100 && count < total) return
      lastDraw = now
      out.write(`\r${line()}`)
    },
    done() {
      count = Math.max(count, total)
      out.write(out.isTTY ? `\r${line()}\n` : `${line()}\n`)
    },
  }
}

function elapsed(since: number): string {
  const seconds = Math.round((Date.now() - since) / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

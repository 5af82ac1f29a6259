import { describe, expect, it } from 'vitest'
import { BusyError, createWorkLimit } from './work-limit.js'

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

describe('createWorkLimit', () => {
  it('runs at most `concurrency` at once, queues `maxWaiting` more and refuses the rest at once', async () => {
    const limit = createWorkLimit({ concurrency: 2, maxWaiting: 3, retryAfterSeconds: 4 })
    const gates = Array.from({ length: 5 }, gate)
    let active = 0
    let most = 0
    const runs = gates.map((g, i) =>
      limit.run(async () => {
        active++
        most = Math.max(most, active)
        await g.opened
        active--
        return i
      }),
    )
    await expect(limit.run(async () => 'too many')).rejects.toEqual(expect.any(BusyError))
    expect([limit.running, limit.waiting, limit.full]).toEqual([2, 3, true])
    for (const g of gates) g.open()
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4])
    expect(most).toBe(2)
    expect([limit.running, limit.waiting, limit.full]).toEqual([0, 0, false])
  })

  it('gives the place back when the work fails, and says when to try again', async () => {
    const limit = createWorkLimit({ concurrency: 1, maxWaiting: 0, retryAfterSeconds: 3 })
    await expect(limit.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    const held = gate()
    const first = limit.run(() => held.opened)
    const refused = await limit.run(async () => 1).catch((err: BusyError) => err)
    expect(refused).toBeInstanceOf(BusyError)
    expect((refused as BusyError).statusCode).toBe(503)
    expect((refused as BusyError).headers).toEqual({ 'retry-after': '3' })
    held.open()
    await first
    expect(await limit.run(async () => 'free again')).toBe('free again')
  })
})

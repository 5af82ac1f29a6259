import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { atTime, nowIso } from './time.js'

describe('nowIso', () => {
  it('is the current time in UTC, as the database stores it', () => {
    const before = Date.now()
    const now = nowIso()
    expect(now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before)
  })

  it('answers with the moment atTime gives, through every await of that work and no other', async () => {
    const past = new Date('2026-01-05T09:30:00.000Z')
    const seen = await atTime(past, async () => {
      const first = nowIso()
      await sleep(5)
      await Promise.resolve()
      return [first, nowIso()]
    })
    expect(seen).toEqual([past.toISOString(), past.toISOString()])
    const concurrent = await Promise.all([
      atTime(past, async () => {
        await sleep(5)
        return nowIso()
      }),
      (async () => {
        await sleep(1)
        return nowIso()
      })(),
    ])
    expect(concurrent[0]).toBe(past.toISOString())
    expect(concurrent[1]).not.toBe(past.toISOString())
    expect(nowIso()).not.toBe(past.toISOString())
  })
})

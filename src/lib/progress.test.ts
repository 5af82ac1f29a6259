import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.js'

function output(isTTY: boolean) {
  const chunks: string[] = []
  return { isTTY, columns: 100, chunks, write: (c: string) => chunks.push(c) }
}

describe('createProgress', () => {
  it('redraws one line on a terminal and ends it with the total', () => {
    const out = output(true)
    const bar = createProgress('products', 1000, out)
    bar.tick(500)
    bar.done()
    expect(out.chunks[0]).toMatch(/^\rproducts █+░+ {2}50% 500\/1,000 0:00$/)
    expect(out.chunks.at(-1)).toMatch(/^\rproducts █+ 100% 1,000\/1,000 0:\d\d\n$/)
  })

  it('prints only the closing line when the output is not a terminal', () => {
    const out = output(false)
    const bar = createProgress('orders', 10, out)
    for (let i = 0; i < 10; i++) bar.tick()
    bar.done()
    expect(out.chunks).toEqual([expect.stringMatching(/^orders .* 100% 10\/10 0:\d\d\n$/)])
  })
})

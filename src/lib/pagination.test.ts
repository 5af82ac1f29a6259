import { describe, expect, it } from 'vitest'
import { keysetLinks, keysetPage, paginate } from './pagination.js'

const href = (n: number) => (n === 1 ? '/things' : `/things?page=${n}`)

describe('paginate', () => {
  it('links page 1 without a page parameter, so it has one address', () => {
    const p = paginate({ page: 2, perPage: 10, total: 30, href })
    expect(p.prev).toBe('/things')
    expect(p.next).toBe('/things?page=3')
    expect(p.items.map((i) => i?.number)).toEqual([1, 2, 3])
    expect(p.items.find((i) => i?.current)?.number).toBe(2)
  })

  it('leaves gaps in a long run of pages', () => {
    const p = paginate({ page: 10, perPage: 10, total: 200, href })
    expect(p.items.map((i) => i?.number ?? '…')).toEqual([1, '…', 8, 9, 10, 11, 12, '…', 20])
  })

  it('has no previous on the first page and no next on the last', () => {
    expect(paginate({ page: 1, perPage: 10, total: 25, href })).toMatchObject({ prev: null, totalPages: 3 })
    expect(paginate({ page: 3, perPage: 10, total: 25, href }).next).toBeNull()
  })

  it('counts an empty listing as one page', () => {
    expect(paginate({ page: 1, perPage: 10, total: 0, href })).toMatchObject({ totalPages: 1, prev: null, next: null })
  })
})

describe('keyset pages', () => {
  it('shows a page of rows and continues below the last one when there are more', () => {
    const rows = [{ id: 9 }, { id: 7 }, { id: 4 }]
    expect(keysetPage(rows, 2)).toEqual({ items: [{ id: 9 }, { id: 7 }], olderThan: 7 })
    expect(keysetPage(rows, 3)).toEqual({ items: rows, olderThan: null })
  })

  it('links to older rows and back to the newest, keeping only the filters that are set', () => {
    expect(keysetLinks('/admin/orders', { q: 'ada', payment: '' }, 7, '')).toEqual({
      olderHref: '/admin/orders?q=ada&before=7',
      newestHref: null,
    })
    expect(keysetLinks('/admin/orders', { q: '' }, null, '12')).toEqual({
      olderHref: null,
      newestHref: '/admin/orders',
    })
  })
})

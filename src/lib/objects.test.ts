import { describe, expect, it } from 'vitest'
import { withFields } from './objects.js'

describe('withFields', () => {
  it('is the spread of both: the extra fields win, the base is left as it was', () => {
    const base = { id: 1, title: 'Mug', status: 'draft' }
    const merged = withFields(base, { status: 'active', label: 'Active' })
    expect(merged).toEqual({ id: 1, title: 'Mug', status: 'active', label: 'Active' })
    expect(base).toEqual({ id: 1, title: 'Mug', status: 'draft' })
    expect(merged).not.toBe(base)
  })
})

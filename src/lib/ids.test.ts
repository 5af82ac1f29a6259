import { describe, expect, it } from 'vitest'
import { MAX_ID, optionalIdText, parseId } from './ids.js'
import { validate } from './validation.js'

describe('parseId', () => {
  it('reads a positive whole number in plain digits', () => {
    expect(parseId('1')).toBe(1)
    expect(parseId('1009')).toBe(1009)
    expect(parseId(String(MAX_ID))).toBe(MAX_ID)
  })

  it('answers 0, which no row has, for anything else', () => {
    for (const text of [undefined, '', '0', '007', '-1', '1.5', '1e3', ' 12', '12 ', '0x1f', 'abc', '१२']) {
      expect(parseId(text)).toBe(0)
    }
  })

  it('answers 0 past PostgreSQL’s integer, where the database would fail rather than find nothing', () => {
    expect(parseId(String(MAX_ID + 1))).toBe(0)
    expect(parseId('9999999999')).toBe(0)
    expect(parseId('99999999999999999999')).toBe(0)
  })
})

describe('optionalIdText', () => {
  const schema = optionalIdText('Choose someone from the list')

  it('takes an id or nothing, as text', () => {
    expect(validate(schema, '42')).toEqual({ ok: true, value: '42' })
    expect(validate(schema, '')).toEqual({ ok: true, value: '' })
    expect(schema.parse(undefined)).toBe('')
  })

  it('refuses anything else with its message', () => {
    expect(schema.safeParse('9999999999').error?.issues[0]?.message).toBe('Choose someone from the list')
    expect(schema.safeParse('x').success).toBe(false)
  })
})

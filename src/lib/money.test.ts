import { describe, expect, it } from 'vitest'
import { decimalAmount, formatMoney, parseMoney } from './money.js'

describe('money', () => {
  it('formats minor units in the shop currency and locale', () => {
    expect(formatMoney(1250, 'GBP', 'en-GB')).toBe('£12.50')
    expect(formatMoney(1250, 'EUR', 'de-DE')).toBe('12,50\u00a0€')
    expect(formatMoney(1250, 'JPY', 'en')).toBe('¥1,250')
  })

  it('gives machines a plain decimal amount', () => {
    expect(decimalAmount(1250, 'GBP')).toBe('12.50')
    expect(decimalAmount(5, 'GBP')).toBe('0.05')
    expect(decimalAmount(1250, 'JPY')).toBe('1250')
  })

  it('reads amounts people type without floating point', () => {
    expect(parseMoney('12', 'GBP')).toBe(1200)
    expect(parseMoney('12.5', 'GBP')).toBe(1250)
    expect(parseMoney(' 1,234.56 ', 'GBP')).toBe(123456)
    expect(parseMoney('0.29', 'GBP')).toBe(29)
    expect(parseMoney('12.345', 'GBP')).toBeNull()
    expect(parseMoney('-3', 'GBP')).toBeNull()
    expect(parseMoney('1e3', 'GBP')).toBeNull()
    expect(parseMoney('', 'GBP')).toBeNull()
  })
})

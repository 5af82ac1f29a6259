import { describe, expect, it } from 'vitest'
import { COUNTRY_CODES } from './countries.js'
import {
  CURRENCY_CODES,
  currencyChoices,
  isListedCurrency,
  LANGUAGE_TAGS,
  languageChoices,
  listedLanguageTag,
} from './locales.js'

describe('the currencies and languages a shop chooses from', () => {
  it('lists only currencies Intl can format, each once, named', () => {
    const known = Intl.supportedValuesOf('currency')
    expect(CURRENCY_CODES.filter((code) => !known.includes(code))).toEqual([])
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length)
    for (const choice of currencyChoices()) expect(choice.label).toMatch(/^\S.* \([A-Z]{3}\)$/)
    expect(currencyChoices()).toContainEqual({ value: 'GBP', label: 'British Pound (GBP)' })
  })

  it('lists language tags in their canonical form, each once, with a region that is a country (or none)', () => {
    for (const tag of LANGUAGE_TAGS) {
      expect(Intl.getCanonicalLocales(tag)[0]).toBe(tag)
      const region = new Intl.Locale(tag).region
      if (region) expect(COUNTRY_CODES).toContain(region)
    }
    expect(new Set(LANGUAGE_TAGS).size).toBe(LANGUAGE_TAGS.length)
    expect(languageChoices()).toContainEqual({ value: 'en-GB', label: 'English (United Kingdom) — en-GB' })
    // The shop's default before anybody chooses is on the list.
    expect(listedLanguageTag('en')).toBe('en')
  })

  it('accepts a listed tag in any case, and nothing else', () => {
    expect(listedLanguageTag('EN-gb')).toBe('en-GB')
    expect(listedLanguageTag('de-AT')).toBe('de-AT')
    expect(listedLanguageTag('de-DE-u-nu-arab')).toBeNull()
    expect(listedLanguageTag('x')).toBeNull()
    expect(listedLanguageTag('')).toBeNull()
    expect(isListedCurrency('EUR')).toBe(true)
    expect(isListedCurrency('BGN')).toBe(false)
    expect(isListedCurrency('eur')).toBe(false)
  })
})

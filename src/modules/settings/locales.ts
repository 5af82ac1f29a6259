/**
 * The currencies and languages an owner chooses the shop's from. Intl knows
 * every ISO 4217 code ever issued (old ones like DEM, funds like XDR) and
 * any well-formed language tag, which would make a list nobody can read; a
 * shop sells in one of the currencies and writes in one of the languages
 * below. The settings form lists them and accepts nothing else.
 */

/** ISO 4217 codes of currencies in common use today (no BGN or HRK: both countries use the euro now). */
export const CURRENCY_CODES: readonly string[] = `
AED ARS AUD BRL CAD CHF CLP CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR ISK
JPY KES KRW MAD MXN MYR NGN NOK NZD PEN PHP PLN RON RSD SAR SEK SGD THB TRY TWD
UAH USD VND ZAR`
  .trim()
  .split(/\s+/)

/**
 * BCP 47 tags: a language and the region whose way of writing amounts and
 * dates the shop uses. Plain `en` is the shop's default before anybody sets
 * one, so it is here too.
 */
export const LANGUAGE_TAGS: readonly string[] = `
af-ZA ar-AE ar-EG ar-SA bg-BG bn-BD ca-ES cs-CZ cy-GB da-DK de-AT de-CH de-DE
el-GR en en-AU en-CA en-GB en-IE en-IN en-NZ en-SG en-US en-ZA es-AR es-CL es-CO
es-ES es-MX es-US et-EE eu-ES fi-FI fil-PH fr-BE fr-CA fr-CH fr-FR fr-LU ga-IE
gl-ES he-IL hi-IN hr-HR hu-HU id-ID is-IS it-CH it-IT ja-JP ko-KR lt-LT lv-LV
ms-MY mt-MT nb-NO nl-BE nl-NL nn-NO pl-PL pt-BR pt-PT ro-RO ru-RU sk-SK sl-SI
sr-RS sv-SE sw-KE th-TH tr-TR uk-UA vi-VN zh-CN zh-HK zh-TW`
  .trim()
  .split(/\s+/)

const currencies = new Set(CURRENCY_CODES)
const languages = new Set(LANGUAGE_TAGS)

export function isListedCurrency(code: string): boolean {
  return currencies.has(code)
}

/** A listed tag, however its letters were cased (`en-gb` is `en-GB`); null for anything else. */
export function listedLanguageTag(tag: string): string | null {
  let canonical: string | undefined
  try {
    canonical = Intl.getCanonicalLocales(tag)[0]
  } catch {
    return null
  }
  return canonical !== undefined && languages.has(canonical) ? canonical : null
}

export interface Choice {
  value: string
  label: string
}

/** The currencies by their English names (the back office is in English), each with its code. */
export function currencyChoices(): Choice[] {
  const names = new Intl.DisplayNames(['en'], { type: 'currency' })
  return CURRENCY_CODES.map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` })).sort((a, b) =>
    a.label.localeCompare(b.label, 'en'),
  )
}

/** The languages by their English names, "German (Austria) — de-AT". */
export function languageChoices(): Choice[] {
  const names = new Intl.DisplayNames(['en'], { type: 'language', languageDisplay: 'standard' })
  return LANGUAGE_TAGS.map((tag) => ({ value: tag, label: `${names.of(tag) ?? tag} — ${tag}` })).sort((a, b) =>
    a.label.localeCompare(b.label, 'en'),
  )
}

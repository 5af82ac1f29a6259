const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
]

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/iPhone|iPad|iPod|\biOS\b/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
]

const nameIn = (list: ReadonlyArray<[RegExp, string]>, userAgent: string) =>
  list.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null

/**
 * "Firefox on Windows": enough to recognise a device in a list of sessions.
 * Order matters: Edge and Opera say Chrome too, Chrome says Safari too.
 */
export function describeUserAgent(userAgent: string): string {
  const browser = nameIn(BROWSERS, userAgent)
  const system = nameIn(SYSTEMS, userAgent)
  if (browser && system) return `${browser} on ${system}`
  return browser ?? system ?? 'An unknown browser'
}

/**
 * The app behind an API sign-in, for the same list: a browser as
 * describeUserAgent names it, else the app's own first product token and its
 * system ("Shopfront 2.1 on iOS", "okhttp 4.12.0"), as apps' HTTP libraries
 * write their User-Agent.
 */
export function describeApp(userAgent: string): string {
  if (nameIn(BROWSERS, userAgent)) return describeUserAgent(userAgent)
  const system = nameIn(SYSTEMS, userAgent)
  const product = /^([A-Za-z][\w.-]{0,40})(?:\/([\w.-]{1,20}))?/.exec(userAgent.trim())
  const name = product && product[1] !== 'Mozilla' ? [product[1], product[2]].filter(Boolean).join(' ') : null
  if (name) return system ? `${name} on ${system}` : name
  return system ? `An app on ${system}` : 'An unknown app'
}

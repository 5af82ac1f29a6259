/**
 * "Firefox on Windows": enough to recognise a device in a list of sessions.
 * Order matters: Edge and Opera say Chrome too, Chrome says Safari too.
 */
export function describeUserAgent(userAgent: string): string {
  const browser =
    [
      [/Edg\//, 'Edge'],
      [/OPR\/|Opera/, 'Opera'],
      [/Firefox\//, 'Firefox'],
      [/Chrome\/|CriOS\//, 'Chrome'],
      [/Safari\//, 'Safari'],
    ].find(([pattern]) => (pattern as RegExp).test(userAgent))?.[1] ?? null
  const system =
    [
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Android/, 'Android'],
      [/Windows/, 'Windows'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/CrOS/, 'ChromeOS'],
      [/Linux/, 'Linux'],
    ].find(([pattern]) => (pattern as RegExp).test(userAgent))?.[1] ?? null
  if (browser && system) return `${browser} on ${system}`
  return (browser as string | null) ?? (system as string | null) ?? 'An unknown browser'
}

/**
 * The submitted values to show again in a form that failed: strings only,
 * and never a password, whatever the field is called.
 */
export function formValues(body: unknown): Record<string, string> {
  if (body === null || typeof body !== 'object') return {}
  const values: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' && !/password|_csrf/i.test(key)) values[key] = value
  }
  return values
}

import { z } from 'zod'

/** Field name → the first message for that field, written for a person. */
export type FieldErrors = Record<string, string>

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

/**
 * Runs one input shape's validator. HTML forms and the JSON API both call
 * this, so a rule and its wording are written once.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(input ?? {})
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrors(result.error) }
}

/**
 * A message per field (dotted path), the first one found. A field a strict
 * schema does not know (the API's write bodies) is named on its own, so the
 * client sees which one to leave out.
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors[[...issue.path, key].map(String).join('.')] ??= 'This field is not accepted here'
      continue
    }
    if (issue.path.length === 0) {
      errors._form ??= 'Send the fields of the form as an object of named values.'
      continue
    }
    errors[issue.path.map(String).join('.')] ??= issue.message
  }
  return errors
}

/** A required text field as a person types it: trimmed, with a length limit. `label` reads "your name". */
export function requiredText(label: string, max: number, min = 1) {
  const tooShort = min > 1 ? `${capitalise(label)} must be at least ${min} characters` : `Enter ${label}`
  return z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .min(min, tooShort)
    .max(max, `${capitalise(label)} must be ${max} characters or fewer`)
}

export function email(label = 'your email address') {
  return z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(254, `${capitalise(label)} must be 254 characters or fewer`)
    .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.com' }))
    .transform((v) => v.toLowerCase())
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

import type { FieldErrors, Validated } from './validation.js'

/**
 * The ways a service says no, the same in every module, so that one place
 * turns them into HTTP: a page (plugins/outcomes.ts) or a problem+json body
 * (plugins/problem.ts). A service's success is its own kind ('saved',
 * 'placed', …); anything else it returns is one of these.
 */
export type Missing = { kind: 'missing' }
/** The input is wrong: a message per field, written for a person. */
export type Invalid = { kind: 'invalid'; errors: FieldErrors }
/** The input is fine but the thing's state forbids it ("already sent"). */
export type Refused = { kind: 'refused'; message: string }
/** It existed and no longer does (a used or expired link). */
export type Gone = { kind: 'gone' }
export type Failure = Missing | Invalid | Refused | Gone

/** A file a service made for somebody (an invoice): its bytes, its media type and the name it is saved under. */
export interface PersonalFile {
  kind: 'file'
  bytes: Buffer
  type: string
  filename: string
}

export type Success<R> = Exclude<R, Failure>

export const FAILURE_STATUS = { missing: 404, invalid: 422, refused: 409, gone: 410 } as const satisfies Record<
  Failure['kind'],
  number
>

export function isFailure(result: { kind: string }): result is Failure {
  return Object.hasOwn(FAILURE_STATUS, result.kind)
}

export const missing: Missing = { kind: 'missing' }
export const gone: Gone = { kind: 'gone' }
export const invalid = (errors: FieldErrors): Invalid => ({ kind: 'invalid', errors })
export const refused = (message: string): Refused => ({ kind: 'refused', message })

/**
 * The edge's shape check, then the service: the service only ever runs on
 * input its schema accepted, and a rejected shape is the same `invalid`
 * outcome the service's own checks give.
 */
export async function withValid<T, R>(checked: Validated<T>, run: (value: T) => Promise<R> | R): Promise<R | Invalid> {
  return checked.ok ? run(checked.value) : invalid(checked.errors)
}

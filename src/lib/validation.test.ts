import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { email, requiredText, validate } from './validation.js'

describe('validate', () => {
  const schema = z.object({ name: requiredText('your name', 5), email: email() })

  it('returns the trimmed, normalised value', () => {
    expect(validate(schema, { name: '  Ada ', email: ' Ada@Example.COM ' })).toEqual({
      ok: true,
      value: { name: 'Ada', email: 'ada@example.com' },
    })
  })

  it('returns the first message for each field, written for a person', () => {
    expect(validate(schema, { name: '   ', email: 'nope' })).toEqual({
      ok: false,
      errors: {
        name: 'Enter your name',
        email: 'Enter an email address in the correct format, like name@example.com',
      },
    })
    expect(validate(schema, { name: 'Adaline', email: '' })).toEqual({
      ok: false,
      errors: { name: 'Your name must be 5 characters or fewer', email: 'Enter your email address' },
    })
  })

  it('treats a missing body as empty', () => {
    expect(validate(schema, undefined)).toMatchObject({ ok: false, errors: { name: 'Enter your name' } })
  })
})

describe('validate with a body of the wrong shape', () => {
  it('says so in words, not in types', () => {
    const schema = z.object({ name: requiredText('your name', 5) })
    expect(validate(schema, [1, 2])).toEqual({
      ok: false,
      errors: { _form: 'Send the fields of the form as an object of named values.' },
    })
  })
})

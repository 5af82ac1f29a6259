import { describe, expect, it } from 'vitest'
import { formValues } from './forms.js'

describe('formValues', () => {
  it('keeps submitted strings to show again', () => {
    expect(formValues({ name: 'Ada', email: 'a@b.co' })).toEqual({ name: 'Ada', email: 'a@b.co' })
  })
  it('never keeps a password or the form token, whatever the field is called', () => {
    expect(formValues({ password: 'p', currentPassword: 'q', new_password: 'r', _csrf: 't', name: 'x' })).toEqual({
      name: 'x',
    })
  })
  it('drops anything that is not a string', () => {
    expect(formValues({ a: ['1', '2'], b: { c: 1 } })).toEqual({})
    expect(formValues(undefined)).toEqual({})
    expect(formValues('name=x')).toEqual({})
  })
})

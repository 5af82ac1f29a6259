import type { FastifyError } from 'fastify'
import type { FieldErrors } from './validation.js'

/** What a person is told about a failed request, on a page or in a problem's title. */
export interface ErrorCopy {
  title: string
  message: string
}

const COPY: Record<number, ErrorCopy> = {
  400: { title: 'Bad request', message: 'Your browser sent something this shop could not understand.' },
  403: { title: 'Not allowed', message: 'You do not have access to this page.' },
  404: {
    title: 'Page not found',
    message: 'There is no page at this address. It may have moved, or the link may be mistyped.',
  },
  405: { title: 'Not allowed', message: 'This page cannot be used that way.' },
  409: { title: 'Conflict', message: 'This cannot be done while it is in the state it is in now.' },
  410: { title: 'Gone', message: 'This link has been used or has expired.' },
  413: { title: 'Too much data', message: 'What you sent is larger than this shop accepts.' },
  415: { title: 'Unsupported form', message: 'This shop cannot read data sent in that format.' },
  422: { title: 'Unprocessable content', message: 'Some of what you sent needs to be corrected.' },
  429: { title: 'Too many requests', message: 'Please wait a moment and try again.' },
  500: { title: 'Something went wrong', message: 'Sorry, this page could not be shown. Please try again in a moment.' },
  503: {
    title: 'Busy right now',
    message: 'Too many people are doing the same thing at this moment. Please wait a few seconds and try again.',
  },
}

/** A refused cross-site or token-less form: the person can fix it by reloading. */
const FORGERY_COPY: ErrorCopy = {
  title: 'This form could not be sent',
  message: 'For your security, a form has to come from this shop and be fresh. Go back, reload the page and try again.',
}
const FORGERY_CODES = new Set(['SHOP_CROSS_ORIGIN', 'FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET'])

/** The status a failed request answers with: a client error keeps its own, anything else is a 500. */
export function statusOf(error: FastifyError): number {
  const status = error.statusCode ?? 500
  return status >= 400 && status < 600 ? status : 500
}

export function errorCopy(status: number, code?: string): ErrorCopy {
  if (code && FORGERY_CODES.has(code)) return FORGERY_COPY
  return COPY[status] ?? (status >= 500 ? (COPY[500] as ErrorCopy) : (COPY[400] as ErrorCopy))
}

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  /** Field name → message, for a 422 from a validator. */
  errors?: FieldErrors
}

export function problemBody(status: number, detail?: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: errorCopy(status).title, status, ...(detail ? { detail } : {}), ...extra }
}

import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { formValues } from '../lib/forms.js'
import { type Failure, isFailure, type Missing, type PersonalFile, type Success } from '../lib/outcomes.js'
import type { FieldErrors, Validated } from '../lib/validation.js'
import type { PageData } from './views.js'

/**
 * A page's data as its service built it (`…Page` functions), or why there is
 * none; `httpStatus` when the service decides it (a list whose filter was
 * refused is still a page, answered 422).
 */
export type PageResult = Failure | ({ kind: 'page'; httpStatus?: number } & PageData)
/** A page whose service also chose its template and status (the storefront's catalogue pages). */
export type PageView = Failure | { kind: 'page'; template: string; status: number; data: Record<string, unknown> }

/** How an HTML route answers a service's outcome; only `done` and `back` are required. */
export interface PageAnswer<R> {
  /** Success: where to send the person (303) and what to tell them there. */
  done: (result: Success<R>) => { to: string; flash?: string }
  /** Where a refusal, or an invalid input without a form of its own, is explained as a flash message. */
  back: string
  /** The same form again for invalid input: the reply is already 422; values are what was sent (never a password). */
  form?: (input: { values: Record<string, string>; errors: FieldErrors }) => unknown
  /** A refusal shown on a page of its own instead of a flash message on `back`. */
  refused?: (message: string) => unknown
  /** A used or expired link's own page (410); without it, the not-found page. */
  gone?: () => unknown
  /** A not-found page of its own (404), such as the cart saying the line is not in it; without it, the shop's. */
  missing?: () => unknown
}

declare module 'fastify' {
  interface FastifyReply {
    /** The one mapping of a service's outcome to a page: 303 + flash, 422 form, 404, 410, or a refusal. */
    answer<R extends { kind: string }>(result: R, how: PageAnswer<R>): unknown
    /** A page its service built, or the not-found page: no such thing, or a query string no page has. */
    show(template: string, page: PageResult): unknown
    show(view: PageView): unknown
    /**
     * A file that is somebody's own (an invoice, a packing slip), or the
     * not-found page: kept by no cache, and the address it came from, which
     * may be a secret link, never sent on as a Referer.
     */
    personalFile(file: PersonalFile | Missing, disposition?: 'attachment' | 'inline'): unknown
    /**
     * A list as a CSV download, streamed, for the filters the edge accepted;
     * a rejected filter is a 422 saying why in plain text (a download has no
     * page to show it on).
     */
    spreadsheet<T>(
      filename: string,
      filter: Validated<T>,
      lines: (
        filter: T,
      ) => Promise<Iterable<string> | AsyncIterable<string>> | Iterable<string> | AsyncIterable<string>,
    ): Promise<unknown>
  }
}

export const outcomesPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateReply('answer', function answer<
      R extends { kind: string },
    >(this: FastifyReply, result: R, how: PageAnswer<R>) {
      if (isFailure(result)) return fail(this, result, how)
      const { to, flash } = how.done(result as Success<R>)
      if (flash) this.request.flash('success', flash)
      return this.redirect(to, 303)
    })

    app.decorateReply('show', function show(this: FastifyReply, first: string | PageView, second?: PageResult) {
      if (typeof first !== 'string') {
        return first.kind === 'page' ? this.code(first.status).render(first.template, first.data) : notFound(this)
      }
      if (second?.kind !== 'page') return notFound(this)
      if (second.httpStatus) this.code(second.httpStatus)
      return this.render(first, second)
    })

    app.decorateReply(
      'personalFile',
      function personalFile(this: FastifyReply, file: PersonalFile | Missing, disposition = 'attachment') {
        if (file.kind === 'missing') return notFound(this)
        return this.type(file.type)
          .header('cache-control', 'private, no-store')
          .header('referrer-policy', 'no-referrer')
          .header('content-disposition', `${disposition}; filename="${file.filename}"`)
          .send(file.bytes)
      },
    )

    app.decorateReply('spreadsheet', async function spreadsheet<
      T,
    >(this: FastifyReply, filename: string, filter: Validated<T>, lines: (filter: T) => Promise<Iterable<string> | AsyncIterable<string>> | Iterable<string> | AsyncIterable<string>) {
      if (!filter.ok)
        return this.code(422).type('text/plain; charset=utf-8').send(Object.values(filter.errors).join('\n'))
      return this.type('text/csv; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(Readable.from(await lines(filter.value)))
    })
  },
  { name: 'shopfront-outcomes', dependencies: ['shopfront-views'] },
)

function fail<R>(reply: FastifyReply, failure: Failure, how: PageAnswer<R>) {
  switch (failure.kind) {
    case 'missing':
      if (!how.missing) return notFound(reply)
      reply.code(404)
      return how.missing()
    case 'gone':
      if (!how.gone) return notFound(reply)
      reply.code(410)
      return how.gone()
    case 'invalid':
      if (!how.form) return flashBack(reply, firstMessage(failure.errors), how)
      reply.code(422)
      return how.form({ values: formValues(reply.request.body), errors: failure.errors })
    case 'refused':
      if (!how.refused) return flashBack(reply, failure.message, how)
      reply.code(409)
      return how.refused(failure.message)
  }
}

function flashBack<R>(reply: FastifyReply, message: string, how: PageAnswer<R>) {
  reply.request.flash('error', message)
  return reply.redirect(how.back, 303)
}

function firstMessage(errors: FieldErrors): string {
  return Object.values(errors)[0] ?? 'Some of what you sent needs to be corrected.'
}

function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound()
  return reply
}

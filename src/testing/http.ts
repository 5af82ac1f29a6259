import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

/** The Origin a browser sends for a page of the app under app.inject (Host: localhost:80). */
export const SAME_ORIGIN = 'http://localhost:80'

/** Submits a form the way a browser does: urlencoded, with this site's Origin unless told otherwise. */
export function postForm(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string>,
  options: { cookie?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: SAME_ORIGIN,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...options.headers,
    },
  })
}

/** The session cookie a response set, as a Cookie header value (undefined when it set none). */
export function sessionCookie(response: LightMyRequestResponse): string | undefined {
  const sid = response.cookies.find((c) => c.name === 'sid')
  return sid ? `sid=${sid.value}` : undefined
}

/** The form token in a rendered page, if the page carries one. */
export function csrfTokenIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
}

// ---- HTTP probes (node:http: fetch would decompress and hide the wire size) ----
import http from 'node:http'

export interface Fetched {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

function send(url: string, options: http.RequestOptions, body?: string): Promise<Fetched> {
  return new Promise((done, fail) => {
    const request = http.request(url, { ...options, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      )
      response.on('error', fail)
    })
    request.on('timeout', () => request.destroy(new Error(`${options.method} ${url} timed out`)))
    request.on('error', fail)
    request.end(body)
  })
}

export function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return send(url, { method: 'GET', headers })
}

/** Sends a form as a browser does (urlencoded, this site's Origin); answers with status, headers and body. */
export function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Fetched> {
  const body = new URLSearchParams(fields).toString()
  return send(
    url,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
        origin: new URL(url).origin,
        ...headers,
      },
    },
    body,
  )
}

export const sidOf = (response: Fetched) =>
  /\bsid=[^;]+/.exec([response.headers['set-cookie'] ?? []].flat().join('\n'))?.[0]

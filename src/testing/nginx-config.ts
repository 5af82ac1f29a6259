import { join } from 'node:path'

/** Where the test's nginx sends requests and listens, in place of the production values of deploy/nginx.conf. */
export interface NginxTestSite {
  /** host:port of each app process, for the upstream's `server` lines. */
  upstreams: string[]
  /** Ports on 127.0.0.1 for the plain HTTP server (the redirect) and the HTTPS one. */
  httpPort: number
  httpsPort: number
  /** In place of shop.example.com: the host of the test's PUBLIC_URL. */
  serverName: string
  certificate: string
  certificateKey: string
}

/**
 * deploy/nginx.conf with only the lines an installation changes replaced, for
 * a test run on one machine without root: the upstream's `server` lines (their
 * parameters kept), the listen ports (on 127.0.0.1; the IPv6 listens left
 * out, as a test machine may have no IPv6), server_name and the certificate
 * paths. Every other line is the production file's, word for word. Throws
 * when one of those lines is missing, so the file and the test cannot drift
 * apart unnoticed.
 */
export function renderNginxSite(template: string, site: NginxTestSite): string {
  if (site.upstreams.length === 0) throw new Error('renderNginxSite needs at least one upstream address')
  const found = { upstreamServers: 0, http: 0, https: 0, serverName: 0, certificate: 0, certificateKey: 0 }
  let inUpstream = false
  const out: string[] = []
  for (const line of template.split('\n')) {
    const directive = /^(\s*)([a-z_0-9]+)\s+([^;#]*);\s*(?:#.*)?$/.exec(line)
    if (/^\s*upstream\s+\S+\s*\{/.test(line)) inUpstream = true
    else if (inUpstream && /^\s*\}/.test(line)) inUpstream = false
    if (!directive) {
      out.push(line)
      continue
    }
    const [, indent = '', name, rawArgs = ''] = directive
    const args = rawArgs.trim().split(/\s+/)
    if (inUpstream && name === 'server') {
      // All of the upstream's servers give way to the test's, placed where the first one was.
      if (found.upstreamServers++ === 0) {
        const params = args.slice(1).join(' ')
        for (const address of site.upstreams) out.push(`${indent}server ${address}${params ? ` ${params}` : ''};`)
      }
      continue
    }
    if (name === 'listen') {
      const [address = '', ...params] = args
      if (address.startsWith('[')) continue
      const port = address.replace(/^.*:/, '')
      const testPort = port === '80' ? site.httpPort : port === '443' ? site.httpsPort : null
      if (testPort === null) throw new Error(`deploy/nginx.conf listens on ${address}: the test knows ports 80 and 443`)
      found[port === '80' ? 'http' : 'https']++
      out.push(`${indent}listen 127.0.0.1:${testPort}${params.length ? ` ${params.join(' ')}` : ''};`)
      continue
    }
    if (name === 'server_name') {
      found.serverName++
      out.push(`${indent}server_name ${site.serverName};`)
      continue
    }
    if (name === 'ssl_certificate' || name === 'ssl_certificate_key') {
      found[name === 'ssl_certificate' ? 'certificate' : 'certificateKey']++
      out.push(`${indent}${name} ${name === 'ssl_certificate' ? site.certificate : site.certificateKey};`)
      continue
    }
    out.push(line)
  }
  const missing = Object.entries(found)
    .filter(([, count]) => count === 0)
    .map(([what]) => what)
  if (missing.length > 0) {
    throw new Error(
      `deploy/nginx.conf has no ${missing.join(', ')}: the scale-out test replaces those lines (src/testing/nginx-config.ts)`,
    )
  }
  return out.join('\n')
}

/**
 * The main configuration the test's nginx starts with (`nginx -p dir -c
 * …`), standing in for Debian's /etc/nginx/nginx.conf: everything in `dir`,
 * so no root is needed, with Debian's http-level settings that could clash
 * with the site file's (a directive set twice at one level stops nginx), and
 * an access log that names the app process (`$upstream_addr`) of each request.
 * The pid file and `daemon off` come on the command line.
 */
export function nginxTestMainConfig(dir: string, siteFile: string): string {
  const at = (name: string) => join(dir, name)
  return `worker_processes 1;

events {
    worker_connections 512;
}

http {
    client_body_temp_path ${at('client_body_temp')};
    proxy_temp_path ${at('proxy_temp')};
    fastcgi_temp_path ${at('fastcgi_temp')};
    uwsgi_temp_path ${at('uwsgi_temp')};
    scgi_temp_path ${at('scgi_temp')};

    # As Debian's nginx.conf has them.
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    gzip on;

    log_format upstreams '$request_method $request_uri $status $server_protocol $upstream_addr';
    access_log ${at('access.log')} upstreams;

    include ${siteFile};
}
`
}

export interface AccessLogEntry {
  method: string
  uri: string
  status: number
  /** As the client spoke it: HTTP/1.1, HTTP/2.0. */
  protocol: string
  /** host:port of the app process that answered last ("-" when nginx answered itself). */
  upstream: string
}

/** The lines of the access log `nginxTestMainConfig` writes. */
export function parseAccessLog(text: string): AccessLogEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [method = '', uri = '', status = '', protocol = '', ...upstream] = line.split(' ')
      // After a retry nginx lists every process it tried ("a:1, b:2"); the last one answered.
      return { method, uri, status: Number(status), protocol, upstream: upstream.join(' ').split(', ').at(-1) ?? '-' }
    })
}

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nginxTestMainConfig, parseAccessLog, renderNginxSite } from './nginx-config.js'

const production = readFileSync(new URL('../../deploy/nginx.conf', import.meta.url), 'utf8')

const site = {
  upstreams: ['127.0.0.1:41001', '127.0.0.1:41002', '127.0.0.1:41003'],
  httpPort: 42080,
  httpsPort: 42443,
  serverName: '127.0.0.1',
  certificate: '/tmp/t/cert.pem',
  certificateKey: '/tmp/t/key.pem',
}

/** The lines that name addresses, ports, hosts or files: the only ones an installation (or the test) changes. */
const changed = /^\s*(server\s|listen\s|server_name\s|ssl_certificate(_key)?\s)/

describe('renderNginxSite', () => {
  it('puts the test’s app processes in the upstream, keeping the production server parameters', () => {
    const rendered = renderNginxSite(production, site)
    const upstream = /upstream shopfront \{([\s\S]*?)\n\}/.exec(rendered)?.[1] ?? ''
    expect(upstream.match(/^\s*server .*$/gm)?.map((l) => l.trim())).toEqual([
      'server 127.0.0.1:41001 max_fails=1 fail_timeout=10s;',
      'server 127.0.0.1:41002 max_fails=1 fail_timeout=10s;',
      'server 127.0.0.1:41003 max_fails=1 fail_timeout=10s;',
    ])
  })

  it('listens on the test’s ports on 127.0.0.1 only, HTTPS with the production listen parameters', () => {
    const rendered = renderNginxSite(production, site)
    expect(rendered.match(/^\s*listen .*$/gm)?.map((l) => l.trim())).toEqual([
      'listen 127.0.0.1:42080;',
      'listen 127.0.0.1:42443 ssl http2;',
    ])
    expect(rendered.match(/^\s*server_name .*$/gm)?.map((l) => l.trim())).toEqual([
      'server_name 127.0.0.1;',
      'server_name 127.0.0.1;',
    ])
    expect(rendered).toContain('ssl_certificate /tmp/t/cert.pem;')
    expect(rendered).toContain('ssl_certificate_key /tmp/t/key.pem;')
    expect(rendered).not.toContain('shop.example.com;')
    expect(rendered).not.toContain('/etc/letsencrypt/live')
  })

  it('leaves every other line of deploy/nginx.conf as it is', () => {
    const rendered = renderNginxSite(production, site)
    const rest = (text: string) => text.split('\n').filter((line) => !changed.test(line))
    expect(rest(rendered)).toEqual(rest(production))
    // The settings the test is about are the production ones.
    for (const directive of [
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Forwarded-For $remote_addr;',
      'proxy_next_upstream error timeout;',
      'client_max_body_size 101m;',
      'keepalive 32;',
    ])
      expect(rendered).toContain(directive)
  })

  it('refuses a file missing a line it must replace, naming it', () => {
    const noCertificate = production.replace(/^\s*ssl_certificate .*$/m, '')
    expect(() => renderNginxSite(noCertificate, site)).toThrow(/has no certificate:/)
    const noUpstream = production.replace(/^\s*server 127\.0\.0\.1:.*$/gm, '')
    expect(() => renderNginxSite(noUpstream, site)).toThrow(/has no upstreamServers/)
    const noTls = production.replace(/^\s*listen .*443.*$/gm, '')
    expect(() => renderNginxSite(noTls, site)).toThrow(/has no https/)
    expect(() => renderNginxSite(production.replace('listen 80;', 'listen 8080;'), site)).toThrow(/ports 80 and 443/)
  })

  it('replaces a directive followed by a comment, and never one inside a comment', () => {
    const template = [
      'upstream shopfront {',
      '    # server 10.0.0.12:3000;',
      '    server 127.0.0.1:3001; # the first',
      '}',
      'server {',
      '    listen 80;',
      '    listen 443 ssl;',
      '    server_name shop.example.com;',
      '    ssl_certificate a.pem;',
      '    ssl_certificate_key b.pem;',
      '}',
    ].join('\n')
    const rendered = renderNginxSite(template, { ...site, upstreams: ['127.0.0.1:1'] })
    expect(rendered).toContain('    # server 10.0.0.12:3000;\n    server 127.0.0.1:1;\n}')
  })
})

describe('nginxTestMainConfig', () => {
  it('keeps every file nginx writes in the test’s folder and includes the site', () => {
    const main = nginxTestMainConfig('/tmp/run', '/tmp/run/shopfront.conf')
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      expect(main).toContain(`${temp}_temp_path /tmp/run/${temp}_temp;`)
    expect(main).toContain('access_log /tmp/run/access.log upstreams;')
    expect(main).toContain('include /tmp/run/shopfront.conf;')
    // Given on the command line, where the test controls them; set twice, nginx would refuse to start.
    expect(main).not.toMatch(/^\s*(pid|daemon|error_log)\s/m)
  })
})

describe('parseAccessLog', () => {
  it('reads each request, naming the app process that answered last', () => {
    const log = [
      'GET /cart 200 HTTP/2.0 127.0.0.1:41001',
      'POST /login 303 HTTP/2.0 127.0.0.1:41002',
      'GET /x 200 HTTP/1.1 127.0.0.1:41001, 127.0.0.1:41002',
      'GET / 301 HTTP/1.1 -',
      '',
    ].join('\n')
    expect(parseAccessLog(log)).toEqual([
      { method: 'GET', uri: '/cart', status: 200, protocol: 'HTTP/2.0', upstream: '127.0.0.1:41001' },
      { method: 'POST', uri: '/login', status: 303, protocol: 'HTTP/2.0', upstream: '127.0.0.1:41002' },
      { method: 'GET', uri: '/x', status: 200, protocol: 'HTTP/1.1', upstream: '127.0.0.1:41002' },
      { method: 'GET', uri: '/', status: 301, protocol: 'HTTP/1.1', upstream: '-' },
    ])
  })
})

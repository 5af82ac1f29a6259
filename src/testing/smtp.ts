import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
}

export interface TestSmtpServer {
  url: string
  received: ReceivedMail[]
  close(): Promise<void>
}

/**
 * A real SMTP server on a free loopback port (the `smtp-server` package).
 * With `failFirst`, it answers the first n messages with a temporary 451
 * failure, as a busy mail server does.
 */
export async function startSmtpServer(options: { failFirst?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = []
  let toFail = options.failFirst ?? 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // Every client is 127.0.0.1: a reverse DNS lookup per connection only slows each message down.
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (toFail > 0) {
          toFail--
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 })
          return callback(error)
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The message with quoted-printable soft breaks and escapes undone, good enough to find text and links in. */
export function readableMail(mail: ReceivedMail): string {
  const bytes = mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  // Each escape is one byte of UTF-8 text (£ is =C2=A3).
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

/** The first link in a received email that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`${escaped}[^\\s"<>]*`).exec(readableMail(mail))
  if (!match) throw new Error(`no link starting with ${prefix} in the email`)
  return match[0]
}

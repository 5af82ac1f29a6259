import nodemailer from 'nodemailer'

export interface OutgoingEmail {
  from: { name: string; address: string }
  to: string
  replyTo?: string
  subject: string
  html: string
  text: string
  /** Stable per outbox row, so a receiving server can tell a repeat from a new message. */
  messageId: string
}

export interface MailTransport {
  /** 'smtp' or 'mailbox', recorded on each sent email. */
  name: string
  send(email: OutgoingEmail): Promise<{ messageId: string | null }>
  close(): void
}

/** Sends through a real SMTP server (SMTP_URL, e.g. smtps://user:pass@mail.example.com). */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url)
  return {
    name: 'smtp',
    async send(email) {
      const info = await transporter.sendMail(email)
      return { messageId: info.messageId ?? email.messageId }
    },
    close: () => transporter.close(),
  }
}

/** Development without SMTP_URL: the email stays in the database, readable in the staff mailbox. */
export const mailboxTransport: MailTransport = {
  name: 'mailbox',
  async send(email) {
    return { messageId: email.messageId }
  },
  close() {},
}

import { randomUUID } from 'node:crypto';
import type { Logger } from '@federa/kit';
import type { Clock } from '@federa/saml';
import type { Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';
import { SpError } from '../errors.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The account whose address this message verifies (the outbox shows it before the address is verified). */
  verifiesUserId?: string;
}

export interface Mailer {
  /**
   * 'outbox': kept in the database and shown at /dev/outbox/ (development, no SMTP); 'none': no SMTP
   * and no outbox, so sending fails with `mail_unavailable`.
   */
  readonly kind: 'smtp' | 'outbox' | 'none';
  send(message: MailMessage): Promise<void>;
}

/**
 * Email through SMTP when configured; else into the development outbox when that is on (the demo, or
 * SP_DEV_OUTBOX); else nothing can be sent, and each attempt says so to the person and to the operator.
 */
export function createMailer(
  db: Db,
  clock: Clock,
  smtp: SmtpConfig | null,
  options: { devOutbox: boolean; logger: Logger },
): Mailer {
  if (!smtp && !options.devOutbox) {
    return {
      kind: 'none',
      async send(message) {
        options.logger.error(
          { subject: message.subject },
          'cannot send email: no SMTP server is configured (set SMTP_HOST and SMTP_FROM)',
        );
        throw new SpError(
          'mail_unavailable',
          503,
          'This Workspace cannot send email yet: its operator has not configured an email server. Ask them to set one up, then try again.',
        );
      },
    };
  }
  if (!smtp) {
    return {
      kind: 'outbox',
      async send(message) {
        await db
          .insertInto('outbox')
          .values({
            id: randomUUID(),
            to_address: message.to,
            subject: message.subject,
            body: message.text,
            created_at: nowIso(clock),
            verifies_user_id: message.verifiesUserId ?? null,
          })
          .execute();
      },
    };
  }
  // nodemailer (2–3 MB resident) on the first message: invitations are rare, every process would
  // otherwise carry it from its start.
  let transport: Promise<Transporter> | undefined;
  return {
    kind: 'smtp',
    async send(message) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) =>
        nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
        }),
      );
      await (await transport).sendMail({
        from: smtp.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    },
  };
}

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  body: string;
  createdAt: string;
}

/**
 * The outbox as `account` may see it: mail to its address once the Workspace verified that address,
 * and before that only the message that verifies it. An emailed link proves control of an address, so
 * nobody else's mail, nor mail to an address an IdP merely asserted, may show here.
 */
export async function listOutbox(
  db: Db,
  account: { id: string; email: string; emailVerified: boolean },
  limit = 100,
): Promise<OutboxMessage[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('to_address', '=', account.email)
    .$if(!account.emailVerified, (q) => q.where('verifies_user_id', '=', account.id))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    body: r.body,
    createdAt: r.created_at,
  }));
}

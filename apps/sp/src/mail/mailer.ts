import { randomUUID } from 'node:crypto';
import type { Clock } from '@federa/saml';
import type { Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.ts';
import { nowIso } from '../context.ts';
import type { Db } from '../db/db.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** 'outbox': kept in the database and shown at /dev/outbox/ (no SMTP configured). */
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
}

/** Email through SMTP when configured; otherwise into the development outbox. */
export function createMailer(db: Db, clock: Clock, smtp: SmtpConfig | null): Mailer {
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

export async function listOutbox(db: Db, to: string, limit = 100): Promise<OutboxMessage[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('to_address', '=', to)
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

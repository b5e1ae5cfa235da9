import { card, html, table } from '@federa/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { requireUser } from '../web/access.ts';
import { sendPage } from '../web/page.ts';
import { listOutbox } from './mailer.ts';

/**
 * The development outbox (registered only when it is on and no SMTP is set): the email this instance
 * "sent" to the signed-in account's address, as `listOutbox` allows. Only one's own: an emailed link
 * proves control of that address, so showing everyone's mail would let anyone pass the proof.
 */
export function outboxPage(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await requireUser(request, reply, ctx);
    if (!user) return reply;
    const messages = await listOutbox(ctx.db, user);
    return sendPage(request, reply, ctx, {
      title: 'Dev outbox',
      active: 'outbox',
      body: html`${card(
        null,
        html`<p>No SMTP server is configured (set <code>SMTP_HOST</code> and <code>SMTP_FROM</code>), so email is kept here instead of being sent. You see the messages sent to your own address${user.emailVerified ? '' : ' (until you verify it, only the message that verifies it)'}.</p>`,
      )}${card(
        'Messages',
        table(
          ['When', 'To', 'Subject', 'Message'],
          messages.map((m) => [
            m.createdAt.replace('T', ' ').slice(0, 19),
            m.to,
            m.subject,
            html`<pre>${m.body}</pre>`,
          ]),
          'No email yet.',
        ),
      )}`,
    });
  };
}

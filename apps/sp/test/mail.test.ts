import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import pino from 'pino';
import { readConfig } from '../src/config.ts';
import { createdOrganization, signedUp, startApp } from './support/app.ts';

/** A minimal SMTP server on 127.0.0.1 (RFC 5321's happy path) that keeps what it receives. */
async function smtpServer(): Promise<{ port: number; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let data: string | null = null;
    let buffer = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let at = buffer.indexOf('\r\n');
      while (at !== -1) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (data !== null) {
          if (line === '.') {
            messages.push(data);
            data = null;
            socket.write('250 queued\r\n');
          } else data += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 test\r\n');
        else if (/^DATA/i.test(line)) {
          data = '';
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
        at = buffer.indexOf('\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('email', () => {
  test('goes to the SMTP server when one is configured, and there is no dev outbox then', async (c) => {
    const smtp = await smtpServer();
    c.after(() => smtp.close());
    const t = await startApp('sqlite', {
      config: {
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          user: null,
          password: null,
          from: 'no-reply@workspace.test',
        },
      },
    });
    c.after(() => t.close());
    const owner = await signedUp(t, 'owner@acme.test');
    await createdOrganization(owner, 'acme');
    await owner.get('/settings/acme/members/');
    await owner.post('/settings/acme/members/invite/', { email: 'bob@acme.test', role: 'member' });
    assert.equal(smtp.messages.length, 2);
    assert.match(smtp.messages[0]!, /To: owner@acme\.test/);
    assert.match(smtp.messages[0]!, /Subject: Verify your email address/);
    assert.match(smtp.messages[1]!, /To: bob@acme\.test/);
    assert.match(smtp.messages[1]!, /Subject: You are invited to join ACME/);
    assert.equal((await owner.get('/dev/outbox/')).statusCode, 404);
  });

  test('without SMTP the development outbox is off unless turned on: mail fails clearly, nothing is lost, the operator is told', async (c) => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const t = await startApp('sqlite', { config: { devOutbox: readConfig({}).devOutbox }, logger });
    c.after(() => t.close());
    assert.equal(readConfig({}).devOutbox, false, 'off by default');
    assert.equal(readConfig({ SP_DEV_OUTBOX: 'true' }).devOutbox, true);
    // Sign-up stands; the page says the verification mail could not be sent.
    const owner = await signedUp(t, 'owner@acme.test');
    assert.match((await owner.get('/')).body, /cannot send email yet/);
    assert.equal((await owner.get('/dev/outbox/')).statusCode, 404, 'no outbox');
    // An invitation is made, and its link shown to copy.
    await createdOrganization(owner, 'acme');
    await owner.get('/settings/acme/members/');
    const invited = await owner.post('/settings/acme/members/invite/', {
      email: 'bob@acme.test',
      role: 'member',
    });
    assert.equal(invited.statusCode, 303);
    const members = (await owner.get('/settings/acme/members/')).body;
    assert.match(members, /No email was sent/);
    assert.match(members, /\/accept-invite\/[A-Za-z0-9_-]+\//);
    // Resending the verification: a clear error with its code.
    const resend = await owner.post('/auth/verify-email/');
    assert.equal(resend.statusCode, 503);
    assert.match(resend.body, /mail_unavailable/);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    assert.ok(
      logged.some((l) => l.level >= 50 && /no SMTP server is configured/.test(l.msg)),
      'an operator log line',
    );
  });
});

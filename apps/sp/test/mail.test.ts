import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { describe, test } from 'node:test';
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
  test('goes to the SMTP server when one is configured, and there is no dev outbox then', async () => {
    const smtp = await smtpServer();
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
    const owner = await signedUp(t, 'owner@acme.test');
    await createdOrganization(owner, 'acme');
    await owner.get('/settings/acme/members/');
    await owner.post('/settings/acme/members/invite/', { email: 'bob@acme.test', role: 'member' });
    assert.equal(smtp.messages.length, 1);
    assert.match(smtp.messages[0]!, /To: bob@acme\.test/);
    assert.match(smtp.messages[0]!, /Subject: You are invited to join ACME/);
    assert.equal((await owner.get('/dev/outbox/')).statusCode, 404);
    await t.close();
    await smtp.close();
  });
});

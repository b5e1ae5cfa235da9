import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

// The two scripts of the passkey pages, served by the Directory itself (CSP `script-src 'self'`, no
// CDN): @simplewebauthn/browser's own UMD bundle from node_modules, and our small script that calls it.

const bundleUrl = new URL('../dist/bundle/index.umd.min.js', import.meta.resolve('@simplewebauthn/browser'));
let bundle: string | null = null;
let ours: string | null = null;

function send(reply: FastifyReply, script: string) {
  return reply
    .type('text/javascript; charset=utf-8')
    .header('cache-control', 'public, max-age=3600')
    .send(script);
}

/** GET `/assets/webauthn.js`: @simplewebauthn/browser (MIT), as published. */
export async function webauthnScript(_deps: unknown, _request: FastifyRequest, reply: FastifyReply) {
  bundle ??= readFileSync(fileURLToPath(bundleUrl), 'utf8');
  return send(reply, bundle);
}

/** GET `/assets/passkey.js`: the forms' glue (passkey.script.js). */
export async function passkeyScript(_deps: unknown, _request: FastifyRequest, reply: FastifyReply) {
  ours ??= readFileSync(new URL('./passkey.script.js', import.meta.url), 'utf8');
  return send(reply, ours);
}

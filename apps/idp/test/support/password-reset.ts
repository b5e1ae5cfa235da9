// Helpers for the password reset tests (src/password-reset/): the flow driven as a browser would (test/support/browser.ts).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { type Browser, inputValue } from './browser.ts';

/** Starts a reset for `userName` at `/{segment}/passwordreset`; returns the page it leads to. */
export async function startReset(browser: Browser, userName: string, segment = 'common') {
  const start = await browser.get(`/${segment}/passwordreset`);
  assert.equal(start.statusCode, 200, start.body.slice(0, 400));
  const posted = await browser.post(`/${segment}/passwordreset`, { username: userName });
  return { posted, page: await browser.follow(posted) };
}

/** The flow id a page's forms carry. */
export function ridOf(page: InjectResponse): string {
  const rid = inputValue(page.body, 'rid');
  assert.ok(rid, `no flow id on this page:\n${page.body.slice(0, 800)}`);
  return rid;
}

/** A page with what differs from one flow to another (tokens, challenge, the name typed) blanked. */
export function shapeOf(page: InjectResponse, userName: string): string {
  return page.body
    .replaceAll(userName, '{user}')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"')
    .replace(/name="rid" value="[^"]*"/g, 'name="rid"')
    .replace(/data-options="[^"]*"/g, 'data-options')
    .replace(/nonce="[^"]*"/g, 'nonce');
}

/** The verify step with a code, then (when it passes) the new password. */
export async function resetWithCode(
  browser: Browser,
  page: InjectResponse,
  code: string,
  password: string,
  segment = 'common',
) {
  const rid = ridOf(page);
  const verified = await browser.post(`/${segment}/passwordreset/verify`, { rid, otc: code });
  if (verified.statusCode !== 303) return { verified, done: null };
  const form = await browser.follow(verified);
  const done = await browser.post(`/${segment}/passwordreset/new`, {
    rid: ridOf(form),
    password,
    confirm: password,
  });
  return { verified, done };
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestApp } from '../support/app.ts';
import { createdOrganization, signedUp } from '../support/app.ts';
import type { Browser } from '../support/browser.ts';
import type { TestUser } from '../support/idp.ts';
import { OWNER_AT_IDP } from '../support/sso.ts';

/** Configures organization `slug` with a generic SAML2 provider from `metadataXml`, mapped to the names pysaml2 and samlify send. */
export async function saml2Organization(
  t: TestApp,
  slug: string,
  metadataXml: string,
  mapping: Record<string, string>,
): Promise<Browser> {
  const owner = await signedUp(t, `owner@${slug}.test`);
  await createdOrganization(owner, slug);
  await owner.get(`/settings/${slug}/auth/configure/saml2/`);
  const saved = await owner.post(`/settings/${slug}/auth/configure/saml2/`, { method: 'xml', metadataXml });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 2000));
  await owner.get(`/settings/${slug}/auth/`);
  const mapped = await owner.post(`/settings/${slug}/auth/mapping/`, mapping);
  assert.equal(mapped.statusCode, 303, mapped.body.slice(0, 2000));
  return owner;
}

export const PEOPLE = { owner: OWNER_AT_IDP };

const SCRIPT = fileURLToPath(new URL('./pysaml2_idp.py', import.meta.url));

/** Runs pysaml2 (Debian's, under /usr/bin/python3) with `input`, returning its JSON answer. */
export function pysaml2(input: Record<string, unknown>): Record<string, string> {
  const run = spawnSync('/usr/bin/python3', [SCRIPT], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`pysaml2 failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}

export type { TestUser };

import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import {
  decodeMessageText,
  decodePost,
  POST_FORM_SCRIPT,
  POST_FORM_SCRIPT_HASH,
  postForm,
} from '../src/bindings/http-post.ts';
import {
  decodeRedirect,
  encodeRedirect,
  rawQuery,
  verifyRedirectSignature,
} from '../src/bindings/http-redirect.ts';
import { SamlError, type SamlErrorCode } from '../src/errors.ts';
import { makeCredential } from './support/credentials.ts';

const XML =
  '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a1" Version="2.0" IssueInstant="2025-01-01T00:00:00Z"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://sp.example/ — ü</saml:Issuer></samlp:AuthnRequest>';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const HMAC_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256';
const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

function throwsCode(fn: () => unknown, code: SamlErrorCode): void {
  assert.throws(fn, (error: unknown) => error instanceof SamlError && error.code === code);
}

function message(xml = XML): string {
  return encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'));
}

/** Signs exactly the given octets, as a peer that encodes its query its own way would. */
function signOctets(octets: string, key: KeyObject, hash = 'sha256'): string {
  return encodeURIComponent(sign(hash, Buffer.from(octets), key).toString('base64'));
}

describe('HTTP-Redirect binding', () => {
  it('round-trips a message and its RelayState', () => {
    const url = encodeRedirect({
      location: 'https://idp.example/saml2',
      parameter: 'SAMLRequest',
      xml: XML,
      relayState: '/orgs/acme?tab=1&x=ü',
    });
    assert.ok(url.startsWith('https://idp.example/saml2?SAMLRequest='));
    const decoded = decodeRedirect(rawQuery(url));
    assert.equal(decoded.parameter, 'SAMLRequest');
    assert.equal(decoded.xml, XML);
    assert.equal(decoded.relayState, '/orgs/acme?tab=1&x=ü');
    assert.equal(decoded.signature, undefined);
  });

  it('keeps the query string the endpoint already has', () => {
    const url = encodeRedirect({
      location: 'https://idp.example/saml2?tenant=1',
      parameter: 'SAMLResponse',
      xml: XML,
    });
    assert.ok(url.startsWith('https://idp.example/saml2?tenant=1&SAMLResponse='));
    const decoded = decodeRedirect(rawQuery(url));
    assert.equal(decoded.parameter, 'SAMLResponse');
    assert.equal(decoded.relayState, null);
  });

  it('signs the query and verifies it with the signer key only', async () => {
    const signer = await makeCredential('redirect-signer');
    const other = await makeCredential('redirect-other');
    const url = encodeRedirect({
      location: 'https://idp.example/saml2',
      parameter: 'SAMLRequest',
      xml: XML,
      relayState: 'abc',
      sign: { privateKey: signer.credential.privateKey },
    });
    const decoded = decodeRedirect(rawQuery(url));
    assert.equal(decoded.signature?.algorithm, RSA_SHA256);
    verifyRedirectSignature(decoded, { keys: [signer.credential.certificate.publicKey] });
    // Rollover: any of the configured keys may verify.
    verifyRedirectSignature(decoded, {
      keys: [other.credential.certificate.publicKey, signer.credential.certificate.publicKey],
    });
    throwsCode(
      () => verifyRedirectSignature(decoded, { keys: [other.credential.certificate.publicKey] }),
      'SIGNATURE_INVALID',
    );
    throwsCode(() => verifyRedirectSignature(decoded, { keys: [] }), 'SIGNATURE_KEY_UNTRUSTED');
  });

  it('verifies a signature whose parameters arrive in another order', async () => {
    const signer = await makeCredential('redirect-signer');
    const url = encodeRedirect({
      location: 'https://idp.example/saml2',
      parameter: 'SAMLRequest',
      xml: XML,
      relayState: '/x',
      sign: { privateKey: signer.credential.privateKey },
    });
    const pairs = rawQuery(url).split('&').reverse();
    const decoded = decodeRedirect(`foo=bar&${pairs.join('&')}`);
    verifyRedirectSignature(decoded, { keys: [signer.credential.certificate.publicKey] });
  });

  it('checks the signature over the raw bytes as received, not a re-encoding', async () => {
    const signer = await makeCredential('redirect-signer');
    const key = signer.credential.privateKey;
    const publicKey = signer.credential.certificate.publicKey;
    const sigAlg = encodeURIComponent(RSA_SHA256);
    // A peer that leaves '/' unencoded and writes lower-case escapes: valid, and signed as sent.
    for (const relayState of ['/orgs/acme/', '%2forgs%2facme%2f', '%2Forgs%2Facme%2F']) {
      const octets = `SAMLRequest=${message()}&RelayState=${relayState}&SigAlg=${sigAlg}`;
      const decoded = decodeRedirect(`${octets}&Signature=${signOctets(octets, key)}`);
      assert.equal(decoded.relayState, '/orgs/acme/');
      verifyRedirectSignature(decoded, { keys: [publicKey] });
    }
    // The same value re-encoded on the way (%2F instead of the '/' that was signed) no longer verifies.
    const octets = `SAMLRequest=${message()}&RelayState=/orgs/acme/&SigAlg=${sigAlg}`;
    const reencoded = `SAMLRequest=${message()}&RelayState=%2Forgs%2Facme%2F&SigAlg=${sigAlg}`;
    const decoded = decodeRedirect(`${reencoded}&Signature=${signOctets(octets, key)}`);
    throwsCode(() => verifyRedirectSignature(decoded, { keys: [publicKey] }), 'SIGNATURE_INVALID');
  });

  it('rejects a query with one byte changed after signing', async () => {
    const signer = await makeCredential('redirect-signer');
    const url = encodeRedirect({
      location: 'https://idp.example/saml2',
      parameter: 'SAMLRequest',
      xml: XML,
      relayState: '/orgs/acme',
      sign: { privateKey: signer.credential.privateKey },
    });
    const tampered = rawQuery(url).replace('RelayState=%2Forgs%2Facme', 'RelayState=%2Forgs%2Facmf');
    assert.notEqual(tampered, rawQuery(url));
    const decoded = decodeRedirect(tampered);
    throwsCode(
      () => verifyRedirectSignature(decoded, { keys: [signer.credential.certificate.publicKey] }),
      'SIGNATURE_INVALID',
    );
  });

  it('refuses HMAC whatever the signature value', async () => {
    const signer = await makeCredential('redirect-signer');
    const octets = `SAMLRequest=${message()}&SigAlg=${encodeURIComponent(HMAC_SHA256)}`;
    const decoded = decodeRedirect(`${octets}&Signature=${signOctets(octets, signer.credential.privateKey)}`);
    throwsCode(
      () => verifyRedirectSignature(decoded, { keys: [signer.credential.certificate.publicKey] }),
      'SIGNATURE_ALGORITHM_FORBIDDEN',
    );
  });

  it('refuses RSA-SHA1 unless SHA-1 is allowed for the peer', async () => {
    const signer = await makeCredential('redirect-signer');
    const url = encodeRedirect({
      location: 'https://idp.example/saml2',
      parameter: 'SAMLRequest',
      xml: XML,
      sign: { privateKey: signer.credential.privateKey, algorithm: 'rsa-sha1' },
    });
    const decoded = decodeRedirect(rawQuery(url));
    assert.equal(decoded.signature?.algorithm, RSA_SHA1);
    const keys = [signer.credential.certificate.publicKey];
    throwsCode(() => verifyRedirectSignature(decoded, { keys }), 'SIGNATURE_ALGORITHM_FORBIDDEN');
    verifyRedirectSignature(decoded, { keys, allowSha1: true });
  });

  it('verifies ECDSA signatures with EC keys and ignores keys of another type', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = await makeCredential('redirect-signer');
    const octets = `SAMLRequest=${message()}&SigAlg=${encodeURIComponent(ECDSA_SHA256)}`;
    const value = sign('sha256', Buffer.from(octets), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    const decoded = decodeRedirect(`${octets}&Signature=${encodeURIComponent(value.toString('base64'))}`);
    verifyRedirectSignature(decoded, { keys: [rsa.credential.certificate.publicKey, ec.publicKey] });
    throwsCode(
      () => verifyRedirectSignature(decoded, { keys: [rsa.credential.certificate.publicKey] }),
      'SIGNATURE_INVALID',
    );
  });

  it('reports an unsigned message as missing its signature', () => {
    const decoded = decodeRedirect(`SAMLRequest=${message()}`);
    throwsCode(() => verifyRedirectSignature(decoded, { keys: [] }), 'SIGNATURE_MISSING');
  });

  it('rejects repeated, conflicting or half-present parameters', () => {
    const m = message();
    throwsCode(() => decodeRedirect(`SAMLRequest=${m}&SAMLRequest=${m}`), 'BINDING_INVALID');
    throwsCode(() => decodeRedirect(`SAMLRequest=${m}&RelayState=a&RelayState=b`), 'BINDING_INVALID');
    throwsCode(
      () => decodeRedirect(`SAMLRequest=${m}&SigAlg=a&Sig%41lg=b&Signature=AA%3D%3D`),
      'BINDING_INVALID',
    );
    throwsCode(() => decodeRedirect(`SAMLRequest=${m}&SAMLResponse=${m}`), 'BINDING_INVALID');
    throwsCode(
      () => decodeRedirect(`SAMLRequest=${m}&SigAlg=${encodeURIComponent(RSA_SHA256)}`),
      'BINDING_INVALID',
    );
    throwsCode(() => decodeRedirect(`SAMLRequest=${m}&Signature=AAAA`), 'BINDING_INVALID');
    throwsCode(() => decodeRedirect('RelayState=x'), 'BINDING_INVALID');
  });

  it('stops inflating a deflate bomb at the cap, quickly', () => {
    const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024));
    const query = `SAMLRequest=${encodeURIComponent(bomb.toString('base64'))}`;
    const started = performance.now();
    throwsCode(() => decodeRedirect(query, { maxEncodedBytes: 1024 * 1024 }), 'INPUT_TOO_LARGE');
    assert.ok(performance.now() - started < 1000, 'inflating stopped at the cap');
  });

  it('refuses an encoded message over the size cap before decoding it', () => {
    const query = `SAMLRequest=${'A'.repeat(2000)}`;
    throwsCode(() => decodeRedirect(query, { maxEncodedBytes: 1000 }), 'INPUT_TOO_LARGE');
    throwsCode(() => decodeRedirect(`a=${'b'.repeat(200_000)}&SAMLRequest=${message()}`), 'INPUT_TOO_LARGE');
  });

  it('refuses invalid base64, percent-encoding, DEFLATE and UTF-8', () => {
    throwsCode(() => decodeRedirect(`SAMLRequest=${message()}*`), 'INPUT_ENCODING_INVALID');
    throwsCode(() => decodeRedirect('SAMLRequest=%E0%A4%A'), 'INPUT_ENCODING_INVALID');
    throwsCode(
      () => decodeRedirect(`SAMLRequest=${encodeURIComponent('PHNhbWw+')}`),
      'INPUT_ENCODING_INVALID',
    );
    const latin1 = encodeURIComponent(
      deflateRawSync(Buffer.from([0x3c, 0x61, 0xe9, 0x2f, 0x3e])).toString('base64'),
    );
    throwsCode(() => decodeRedirect(`SAMLRequest=${latin1}`), 'INPUT_ENCODING_INVALID');
  });
});

describe('HTTP-POST binding', () => {
  function formValue(page: string, name: string): string | null {
    const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(page);
    return match ? match[1]! : null;
  }

  it('posts the base64 message and RelayState to the action, with a visible button', () => {
    const page = postForm({
      action: 'https://sp.example/saml/acs/acme/',
      parameter: 'SAMLResponse',
      xml: XML,
      relayState: 'opaque-key',
    });
    assert.match(
      page,
      /<form id="federa-saml-post" method="post" action="https:\/\/sp\.example\/saml\/acs\/acme\/">/,
    );
    assert.match(page, /<button type="submit">/);
    assert.equal(decodePost(formValue(page, 'SAMLResponse')!), XML);
    assert.equal(formValue(page, 'RelayState'), 'opaque-key');
    assert.equal(formValue(page, 'SAMLRequest'), null);
  });

  it('HTML-escapes RelayState and the action', () => {
    const page = postForm({
      action: 'https://sp.example/acs?x="><script>alert(1)</script>',
      parameter: 'SAMLRequest',
      xml: XML,
      relayState: '"><script>alert(1)</script>',
    });
    assert.equal(page.match(/<script/g)?.length, 1, 'only the form script');
    assert.ok(!page.includes('">'.concat('<script>alert')));
    assert.ok(page.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
  });

  it('refuses actions that are not absolute http(s) URLs', () => {
    for (const action of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,x',
      '/relative/acs',
      '',
    ]) {
      throwsCode(() => postForm({ action, parameter: 'SAMLResponse', xml: XML }), 'BINDING_INVALID');
    }
    postForm({ action: 'http://localhost:5000/saml/acs/acme/', parameter: 'SAMLResponse', xml: XML });
  });

  it('runs under a strict CSP by nonce or by hash', () => {
    const page = postForm({
      action: 'https://sp.example/acs',
      parameter: 'SAMLResponse',
      xml: XML,
      nonce: 'n0nce"x',
    });
    const script = /<script nonce="n0nce&quot;x">([^<]*)<\/script>/.exec(page);
    assert.ok(script, 'the script carries the (escaped) nonce');
    assert.equal(script[1], POST_FORM_SCRIPT);
    const hash = `sha256-${createHash('sha256').update(script[1]!).digest('base64')}`;
    assert.equal(POST_FORM_SCRIPT_HASH, hash);
    assert.match(
      postForm({ action: 'https://sp.example/acs', parameter: 'SAMLResponse', xml: XML }),
      /<script>/,
    );
  });

  it('decodes base64 with line breaks and refuses other characters', () => {
    const base64 = Buffer.from(XML).toString('base64');
    assert.equal(decodePost(base64.replace(/.{64}/g, '$&\r\n')), XML);
    throwsCode(() => decodePost(`${base64.slice(0, 8)}!${base64.slice(8)}`), 'INPUT_ENCODING_INVALID');
    throwsCode(
      () => decodePost(base64.replace(/\+/g, '-').replace(/\//g, '_').concat('-_')),
      'INPUT_ENCODING_INVALID',
    );
    throwsCode(() => decodePost(''), 'INPUT_ENCODING_INVALID');
    throwsCode(
      () => decodePost(Buffer.from([0x3c, 0xff, 0x3e]).toString('base64')),
      'INPUT_ENCODING_INVALID',
    );
  });

  it('refuses a posted value over the cap before decoding it', () => {
    throwsCode(() => decodePost('A'.repeat(5000), { maxEncodedBytes: 4096 }), 'INPUT_TOO_LARGE');
    throwsCode(() => decodePost('!'.repeat(600 * 1024)), 'INPUT_TOO_LARGE');
  });
});

describe('decodeMessageText (what a person pastes)', () => {
  const base64 = Buffer.from(XML).toString('base64');
  const deflated = deflateRawSync(Buffer.from(XML)).toString('base64');

  it('accepts raw XML, base64, URL-encoded base64 and deflated base64', () => {
    assert.equal(decodeMessageText(`\n  ${XML}\n`), XML);
    assert.equal(decodeMessageText(base64), XML);
    assert.equal(decodeMessageText(encodeURIComponent(base64)), XML);
    assert.equal(decodeMessageText(deflated), XML);
    assert.equal(decodeMessageText(encodeURIComponent(deflated)), XML);
  });

  it('accepts a whole Redirect URL and a POST form body', () => {
    const url = encodeRedirect({
      location: 'https://idp.example/saml2',
      parameter: 'SAMLRequest',
      xml: XML,
      relayState: 'r',
    });
    assert.equal(decodeMessageText(url), XML);
    assert.equal(decodeMessageText(rawQuery(url)), XML);
    assert.equal(decodeMessageText(`SAMLResponse=${encodeURIComponent(base64)}&RelayState=r`), XML);
  });

  it('refuses text that is none of these', () => {
    throwsCode(() => decodeMessageText('hello world'), 'INPUT_ENCODING_INVALID');
    throwsCode(() => decodeMessageText(Buffer.from('not xml').toString('base64')), 'INPUT_ENCODING_INVALID');
  });

  it('stops at the cap on a pasted deflate bomb', () => {
    const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024)).toString('base64');
    throwsCode(() => decodeMessageText(bomb), 'INPUT_TOO_LARGE');
    throwsCode(
      () => decodeMessageText(`https://x.example/?SAMLRequest=${encodeURIComponent(bomb)}`),
      'INPUT_TOO_LARGE',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseListenHost, parseTrustProxy } from '../src/index.ts';

describe('listen and proxy settings', () => {
  test('trusts no proxy by default, any with true, a hop count, or listed addresses and ranges', () => {
    assert.deepEqual(parseTrustProxy(undefined, 'X'), { value: false, problem: null });
    assert.deepEqual(parseTrustProxy('false', 'X'), { value: false, problem: null });
    assert.deepEqual(parseTrustProxy('true', 'X'), { value: true, problem: null });
    assert.deepEqual(parseTrustProxy('2', 'X'), { value: 2, problem: null });
    assert.deepEqual(parseTrustProxy('10.0.0.0/8, 192.168.1.5,fd00::/8', 'X'), {
      value: ['10.0.0.0/8', '192.168.1.5', 'fd00::/8'],
      problem: null,
    });
  });

  test('names the setting when a proxy entry is not an address or range', () => {
    for (const bad of ['lb.example.com', '10.0.0.0/33', '10.0.0.1/8/2', 'yes please']) {
      const parsed = parseTrustProxy(bad, 'SP_TRUST_PROXY');
      assert.equal(parsed.value, false);
      assert.match(String(parsed.problem), /^SP_TRUST_PROXY must be true, false, a number of proxy hops/);
    }
  });

  test('listens on 127.0.0.1 unless given another IP address', () => {
    assert.deepEqual(parseListenHost(undefined, 'IDP_HOST'), { value: '127.0.0.1', problem: null });
    assert.deepEqual(parseListenHost('0.0.0.0', 'IDP_HOST'), { value: '0.0.0.0', problem: null });
    assert.match(
      String(parseListenHost('everywhere', 'IDP_HOST').problem),
      /^IDP_HOST must be an IP address/,
    );
  });
});

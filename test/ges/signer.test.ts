import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalUri,
  computeSignature,
  formatSdkDate,
  signRequest,
} from '../../lib/ges/signer.js';
import { parseSdkDate, verifyRequest } from '../../sandbox/verify.js';

// Official Huawei Cloud SDK test vectors (docs/ges-api.md, "Signing requests").
const vectorHeaders = { 'X-Sdk-Date': '20060102T150405Z', host: 'example.huaweicloud.com' };

describe('signer: official SDK vectors', () => {
  it.each([
    {
      name: 'GET with a query and an empty body',
      method: 'GET',
      url: 'https://example.huaweicloud.com/path?limit=1',
      body: '',
      expected: '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    },
    {
      name: 'POST with a JSON body followed by a newline',
      method: 'POST',
      url: 'https://example.huaweicloud.com/path?key=value',
      body: '{"Name":"test","Id":1}\n',
      expected: 'cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59',
    },
  ])('signs $name exactly as the SDKs do', ({ method, url, body, expected }) => {
    const request = { method, url: new URL(url), headers: vectorHeaders, body };
    expect(computeSignature(request, ['x-sdk-date'], 'SecretKey')).toBe(expected);
  });

  it('canonicalises the query: sorted by key then value, RFC 3986 encoded', () => {
    const params: [string, string][] = [
      ['enable', 'true'],
      ['limit', '1'],
      ['multi', '3'],
      ['multi', '1'],
      ['multi', '2'],
      ['path', '/tmp/123'],
      ['test', '一 (&=?!#%.*)'],
    ];
    expect(canonicalQuery(params)).toBe(
      'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29',
    );
  });
});

describe('signer: canonical form', () => {
  it.each([
    ['/path', '/path/'],
    ['/path/', '/path/'],
    ['/', '/'],
    ['/v1.0/abc/graphs', '/v1.0/abc/graphs/'],
    ['/a%20b/c', '/a%20b/c/'],
  ])('canonical URI of %s is %s', (path, expected) => {
    expect(canonicalUri(path)).toBe(expected);
  });

  it('formats and parses X-Sdk-Date in UTC', () => {
    const date = new Date('2006-01-02T15:04:05.678Z');
    expect(formatSdkDate(date)).toBe('20060102T150405Z');
    expect(parseSdkDate('20060102T150405Z')?.toISOString()).toBe('2006-01-02T15:04:05.000Z');
    expect(parseSdkDate('2006-01-02T15:04:05Z')).toBeUndefined();
  });
});

describe('signer: signRequest and verifyRequest', () => {
  const credentials = { ak: 'AK123', sk: 'SK-secret' };
  const date = new Date('2026-03-29T01:30:00Z');
  const url = new URL(
    'http://127.0.0.1:8443/v1.0/0123456789abcdef0123456789abcdef/graphs?offset=0&limit=100',
  );

  it('signs host (with its port), x-sdk-date and x-project-id, and the server side accepts it', () => {
    const headers = signRequest(
      { method: 'GET', url, headers: { 'Content-Type': 'application/json' } },
      { credentials, date, projectId: '0123456789abcdef0123456789abcdef' },
    );
    expect(headers.Host).toBe('127.0.0.1:8443');
    expect(headers.Authorization).toMatch(
      /^SDK-HMAC-SHA256 Access=AK123, SignedHeaders=host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/,
    );
    const result = verifyRequest(
      { method: 'GET', url, headers },
      { secretFor: (ak) => (ak === 'AK123' ? 'SK-secret' : undefined), now: date },
    );
    expect(result).toEqual({ ok: true, ak: 'AK123' });
  });

  it('signs x-security-token for temporary credentials', () => {
    const headers = signRequest(
      { method: 'POST', url, headers: {}, body: '{}' },
      { credentials: { ...credentials, securityToken: 'tok' }, date },
    );
    expect(headers['X-Security-Token']).toBe('tok');
    expect(headers.Authorization).toContain('SignedHeaders=host;x-sdk-date;x-security-token,');
  });

  const signed = signRequest({ method: 'POST', url, headers: {}, body: '{}' }, { credentials, date });
  it.each([
    {
      name: 'a wrong secret key',
      secret: 'other',
      now: date,
      body: '{}',
      reason: 'signature does not match',
    },
    { name: 'an unknown access key', secret: undefined, now: date, body: '{}', reason: 'unknown access key' },
    {
      name: 'a tampered body',
      secret: 'SK-secret',
      now: date,
      body: '{"x":1}',
      reason: 'signature does not match',
    },
    {
      name: 'a date 16 minutes off',
      secret: 'SK-secret',
      now: new Date(date.getTime() + 16 * 60_000),
      body: '{}',
      reason: 'X-Sdk-Date is outside the allowed window',
    },
  ])('verifyRequest refuses $name', ({ secret, now, body, reason }) => {
    const result = verifyRequest(
      { method: 'POST', url, headers: signed, body },
      { secretFor: () => secret, now },
    );
    expect(result).toEqual({ ok: false, reason });
  });
});

/**
 * Huawei Cloud APIG AK/SK signing, "SDK-HMAC-SHA256" (docs/ges-api.md, "Signing requests").
 * Pure functions: the date is passed in. The local sandbox verifies with the same canonical form,
 * and the official SDK test vectors pin that form in the tests.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Credentials } from './types.js';

export const ALGORITHM = 'SDK-HMAC-SHA256';

export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  /** Header names in any case. `host` is taken from the URL when not given. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | undefined;
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** RFC 3986 encoding: unreserved `A-Z a-z 0-9 - _ . ~` kept, everything else `%XX` (upper-case hex). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The canonical URI: every segment encoded, with a trailing `/` (for the signature only). */
export function canonicalUri(pathname: string): string {
  const encoded = pathname
    .split('/')
    .map((segment) => encodeRfc3986(safeDecode(segment)))
    .join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Pairs sorted by key then value, both encoded, joined `k=v` with `&`. */
export function canonicalQuery(params: URLSearchParams | Iterable<readonly [string, string]>): string {
  const pairs = [...params].map(([k, v]) => [k, v] as const);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function lowerCaseHeaders(headers: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) out.set(name.toLowerCase(), value);
  return out;
}

export function canonicalRequest(request: SignableRequest, signedHeaders: readonly string[]): string {
  const headers = lowerCaseHeaders(request.headers);
  if (!headers.has('host')) headers.set('host', request.url.host);
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = headers.get(name);
      if (value === undefined) throw new Error(`signed header ${name} is missing from the request`);
      return `${name}:${value.trim()}\n`;
    })
    .join('');
  return [
    request.method.toUpperCase(),
    canonicalUri(request.url.pathname),
    canonicalQuery(request.url.searchParams),
    canonicalHeaders,
    signedHeaders.join(';'),
    sha256Hex(request.body ?? ''),
  ].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

/** Lower-case, sorted, de-duplicated names of the headers to sign. */
export function signedHeaderNames(names: Iterable<string>): string[] {
  return [...new Set([...names].map((n) => n.toLowerCase()))].sort();
}

export function computeSignature(
  request: SignableRequest,
  signedHeaders: readonly string[],
  sk: string,
): string {
  const sdkDate = lowerCaseHeaders(request.headers).get('x-sdk-date');
  if (sdkDate === undefined) throw new Error('x-sdk-date header is required to sign');
  return createHmac('sha256', sk)
    .update(stringToSign(sdkDate, canonicalRequest(request, signedHeaders)))
    .digest('hex');
}

export interface SignOptions {
  readonly credentials: Credentials;
  readonly date: Date;
  /** Sent (and signed) as `X-Project-Id` when given, as the official SDKs do. */
  readonly projectId?: string | undefined;
  /** Which headers to sign; by default host, x-sdk-date, and x-project-id / x-security-token when present. */
  readonly signedHeaders?: readonly string[] | undefined;
}

/**
 * Returns the request's headers plus `X-Sdk-Date`, `Host`, `X-Project-Id`, `X-Security-Token`
 * and `Authorization`. The `Host` value is the URL's host (port included when not default),
 * which is exactly what undici sends.
 */
export function signRequest(request: SignableRequest, options: SignOptions): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  headers['X-Sdk-Date'] = formatSdkDate(options.date);
  headers.Host = request.url.host;
  if (options.projectId !== undefined) headers['X-Project-Id'] = options.projectId;
  if (options.credentials.securityToken) headers['X-Security-Token'] = options.credentials.securityToken;
  const defaults = ['host', 'x-sdk-date'];
  if (options.projectId !== undefined) defaults.push('x-project-id');
  if (options.credentials.securityToken) defaults.push('x-security-token');
  const signed = signedHeaderNames(options.signedHeaders ?? defaults);
  const signature = computeSignature({ ...request, headers }, signed, options.credentials.sk);
  headers.Authorization = `${ALGORITHM} Access=${options.credentials.ak}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return headers;
}

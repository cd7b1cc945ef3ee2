/**
 * The gateway's side of AK/SK signing, for the sandbox only (never bundled into the function):
 * checks the Authorization header against the secret key the AK maps to, and the X-Sdk-Date
 * against a clock skew window (15 minutes at Huawei's gateway).
 */
import { timingSafeEqual } from 'node:crypto';
import { computeSignature, lowerCaseHeaders, type SignableRequest } from '../lib/ges/signer.js';

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when malformed. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface ParsedAuthorization {
  readonly ak: string;
  readonly signedHeaders: string[];
  readonly signature: string;
}

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  return { ak: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}

export type VerifyResult =
  | { readonly ok: true; readonly ak: string }
  | { readonly ok: false; readonly reason: string };

export function verifyRequest(
  request: SignableRequest,
  options: {
    readonly secretFor: (ak: string) => string | undefined;
    readonly now: Date;
    readonly maxSkewMs?: number;
  },
): VerifyResult {
  const headers = lowerCaseHeaders(request.headers);
  const auth = parseAuthorization(headers.get('authorization') ?? '');
  if (!auth) return { ok: false, reason: 'missing or malformed Authorization header' };
  const sdkDate = parseSdkDate(headers.get('x-sdk-date') ?? '');
  if (!sdkDate) return { ok: false, reason: 'missing or malformed X-Sdk-Date header' };
  const skew = Math.abs(options.now.getTime() - sdkDate.getTime());
  if (skew > (options.maxSkewMs ?? 15 * 60_000))
    return { ok: false, reason: 'X-Sdk-Date is outside the allowed window' };
  if (!auth.signedHeaders.includes('x-sdk-date')) return { ok: false, reason: 'x-sdk-date is not signed' };
  const sk = options.secretFor(auth.ak);
  if (sk === undefined) return { ok: false, reason: 'unknown access key' };
  let expected: string;
  try {
    expected = computeSignature(request, auth.signedHeaders, sk);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const match = timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
  return match ? { ok: true, ak: auth.ak } : { ok: false, reason: 'signature does not match' };
}

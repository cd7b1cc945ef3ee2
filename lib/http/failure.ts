/**
 * The one boundary where outside errors and HTTP error answers become this project's errors:
 * undici and socket errors → GesTimeoutError / GesNetworkError (with `cause`), non-2xx →
 * GesHttpError. Anything unrecognised (a bug) is passed on untouched as an 'unknown' failure.
 */
import undiciErrors from 'undici/lib/core/errors.js';
import { GesHttpError, GesNetworkError, GesTimeoutError, type RequestInfo } from '../errors.js';
import type { Failure } from './retry.js';

export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Where an attempt was when it failed. */
export type AttemptPhase = 'before-send' | 'awaiting-headers' | 'reading-body';

const TIMEOUT_CODE_BY_PHASE: Readonly<Record<AttemptPhase, string>> = {
  'before-send': 'UND_ERR_CONNECT_TIMEOUT',
  'awaiting-headers': 'UND_ERR_HEADERS_TIMEOUT',
  'reading-body': 'UND_ERR_BODY_TIMEOUT',
};
const UNDICI_TIMEOUT_CODES = new Set(Object.values(TIMEOUT_CODE_BY_PHASE));
/** undici errors that report a misuse (a bug here), not a transport problem. */
const UNDICI_BUG_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_)/;
const MAX_MESSAGE_LENGTH = 300;

export function httpFailure(response: RawResponse, request: RequestInfo, nowMs: number): Failure {
  const { gesCode, gesMessage } = parseGesError(response.body);
  const error = new GesHttpError({
    status: response.status,
    gesCode,
    gesMessage,
    request,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs),
  });
  return { kind: 'http', error };
}

export interface TransportFailure {
  readonly error: unknown;
  readonly phase: AttemptPhase;
  /** True when our own attempt timer fired (the error is then only a marker). */
  readonly timedOut: boolean;
}

export function transportFailure(
  failure: TransportFailure,
  request: RequestInfo,
  timeoutMs: number,
): Failure {
  const sent = failure.phase !== 'before-send';
  if (failure.timedOut) {
    const code = TIMEOUT_CODE_BY_PHASE[failure.phase];
    return { kind: 'network', error: new GesTimeoutError(request, timeoutMs), code, sent };
  }
  const { error } = failure;
  const code = errorCodeOf(error);
  if (code === undefined || !isTransportError(error, code)) return { kind: 'unknown', error };
  if (UNDICI_TIMEOUT_CODES.has(code)) {
    return { kind: 'network', error: new GesTimeoutError(request, timeoutMs, { cause: error }), code, sent };
  }
  return { kind: 'network', error: new GesNetworkError(request, { cause: error, detail: code }), code, sent };
}

/** The error's `code`, looking into `AggregateError` (Happy Eyeballs) and `cause`. */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && own !== '') return own;
  if (error instanceof AggregateError) return error.errors.map(errorCodeOf).find((c) => c !== undefined);
  return error.cause === undefined ? undefined : errorCodeOf(error.cause);
}

function isTransportError(error: unknown, code: string): boolean {
  if (error instanceof undiciErrors.UndiciError) return !UNDICI_BUG_CODES.has(code);
  if (code.startsWith('HPE_')) return true; // llhttp: the answer is not valid HTTP
  if (TLS_CODE.test(code)) return true;
  // Node system errors (ECONNREFUSED, ECONNRESET, ENOTFOUND…) carry the failed syscall.
  const syscall = error instanceof Error ? (error as { syscall?: unknown }).syscall : undefined;
  return typeof syscall === 'string' || (error instanceof AggregateError && /^E[A-Z]+$/.test(code));
}

/** Both documented error shapes: `{errorCode, errorMessage}` (v1.0) and `{error_code, error_msg}` (v2). */
export function parseGesError(body: string): { gesCode: string | undefined; gesMessage: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { gesCode: undefined, gesMessage: undefined };
  }
  if (!isRecord(parsed)) return { gesCode: undefined, gesMessage: undefined };
  const nested = isRecord(parsed.error) ? parsed.error : {};
  const gesCode = firstString(parsed.errorCode, parsed.error_code, nested.code);
  const gesMessage = firstString(parsed.errorMessage, parsed.error_msg, parsed.error_message, nested.message);
  return { gesCode, gesMessage: gesMessage && truncate(gesMessage) };
}

/** `Retry-After` as delta-seconds or an HTTP-date, in ms from `nowMs` (never negative). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date names its weekday or month; bare fragments such as "-5" are not dates.
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

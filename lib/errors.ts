/**
 * Every error this project throws on purpose. Outside errors (undici, the AWS SDK, YAML) are
 * wrapped into one of these at exactly one boundary and passed on as `cause`; our own errors are
 * rethrown untouched. Messages never contain credentials.
 */

export const ErrorCode = {
  configInvalid: 'CONFIG_INVALID',
  eventInvalid: 'EVENT_INVALID',
  invalidId: 'INVALID_ID',
  gesHttp: 'GES_HTTP',
  timeout: 'TIMEOUT',
  network: 'NETWORK',
  outcomeUnknown: 'OUTCOME_UNKNOWN',
  deadline: 'DEADLINE_EXCEEDED',
  precondition: 'PRECONDITION_FAILED',
  malformedResponse: 'MALFORMED_RESPONSE',
  credentials: 'CREDENTIALS',
  graphsFailed: 'GRAPHS_FAILED',
  ledger: 'LEDGER_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class GesOffhoursError extends Error {
  abstract readonly code: ErrorCode;
}

/** One problem found in a config file, located by a path such as `projects[0].graphs[2].schedule`. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line and column, when the location in the file is known. */
  readonly line?: number;
  readonly column?: number;
}

export class ConfigError extends GesOffhoursError {
  override readonly name = 'ConfigError';
  readonly code = ErrorCode.configInvalid;
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the config\n` +
        issues.map((i) => `  - ${formatIssueLocation(i)}${i.message}`).join('\n'),
    );
  }
}

function formatIssueLocation(issue: ConfigIssue): string {
  const at = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
  return issue.path === '' ? (at === '' ? '' : `${at.trim()}: `) : `${issue.path}${at}: `;
}

export class EventError extends GesOffhoursError {
  override readonly name = 'EventError';
  readonly code = ErrorCode.eventInvalid;
}

/** An id or path segment that would change the request's URL path or query. */
export class InvalidIdError extends GesOffhoursError {
  override readonly name = 'InvalidIdError';
  readonly code = ErrorCode.invalidId;
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`invalid ${field} ${JSON.stringify(value)}: only letters, digits, '-' and '_' are allowed`);
  }
}

export interface RequestInfo {
  readonly method: string;
  /** The URL without credentials (they never travel in the URL anyway). */
  readonly url: string;
}

/** GES or its API gateway answered with an HTTP error. */
export class GesHttpError extends GesOffhoursError {
  override readonly name = 'GesHttpError';
  readonly code = ErrorCode.gesHttp;
  readonly status: number;
  /** `GES.7001`, `APIG.0308`, … when the body carried one. */
  readonly gesCode: string | undefined;
  readonly gesMessage: string | undefined;
  readonly method: string;
  readonly url: string;
  /** Parsed `Retry-After`, in milliseconds, when the answer had one. */
  readonly retryAfterMs: number | undefined;
  constructor(options: {
    status: number;
    gesCode?: string | undefined;
    gesMessage?: string | undefined;
    request: RequestInfo;
    retryAfterMs?: number | undefined;
  }) {
    const { status, gesCode, gesMessage, request } = options;
    const detail = gesCode ? ` ${gesCode}${gesMessage ? ` (${gesMessage})` : ''}` : '';
    super(`${describeStatus(status)}: ${request.method} ${request.url}${detail}`);
    this.status = status;
    this.gesCode = gesCode;
    this.gesMessage = gesMessage;
    this.method = request.method;
    this.url = request.url;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function describeStatus(status: number): string {
  if (status === 401) return 'Request failed with status code 401 (credentials or signature refused)';
  if (status === 403) return 'Request failed with status code 403 (not allowed for these credentials)';
  if (status === 429) return 'Request failed with status code 429 (throttled)';
  return `Request failed with status code ${status}`;
}

/** No complete answer within the request timeout. */
export class GesTimeoutError extends GesOffhoursError {
  override readonly name = 'GesTimeoutError';
  readonly code = ErrorCode.timeout;
  constructor(
    readonly request: RequestInfo,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`Request timed out after ${timeoutMs} ms: ${request.method} ${request.url}`, options);
  }
}

/** The connection failed (refused, reset, DNS, TLS). */
export class GesNetworkError extends GesOffhoursError {
  override readonly name = 'GesNetworkError';
  readonly code = ErrorCode.network;
  constructor(
    readonly request: RequestInfo,
    options: ErrorOptions & { detail: string },
  ) {
    super(`Network error (${options.detail}): ${request.method} ${request.url}`, options);
  }
}

/**
 * A request that changes state (stop, start) may have been carried out, but its answer was lost
 * (timeout or reset after sending, or a 5xx that does not say it was not processed). The caller
 * must read the graph's state before deciding to send it again.
 */
export class OutcomeUnknownError extends GesOffhoursError {
  override readonly name = 'OutcomeUnknownError';
  readonly code = ErrorCode.outcomeUnknown;
  constructor(
    readonly request: RequestInfo,
    options: ErrorOptions,
  ) {
    super(
      `Outcome unknown, the request may have been carried out: ${request.method} ${request.url}`,
      options,
    );
  }
}

/** The caller's deadline (the Lambda's remaining time) left no room for another attempt. */
export class DeadlineExceededError extends GesOffhoursError {
  override readonly name = 'DeadlineExceededError';
  readonly code = ErrorCode.deadline;
  constructor(
    readonly request: RequestInfo | undefined,
    options?: ErrorOptions,
  ) {
    super(
      request
        ? `Deadline reached before an answer: ${request.method} ${request.url}`
        : 'Deadline reached before the work could start',
      options,
    );
  }
}

/**
 * A request was not sent because the reason for it ended while it waited (the schedule's
 * off-hours ended before a stop could leave). Nothing reached GES.
 */
export class PreconditionError extends GesOffhoursError {
  override readonly name = 'PreconditionError';
  readonly code = ErrorCode.precondition;
  constructor(
    readonly request: RequestInfo,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Not sent: ${reason}: ${request.method} ${request.url}`, options);
  }
}

/** A 2xx answer whose body is not what the API documents. */
export class MalformedResponseError extends GesOffhoursError {
  override readonly name = 'MalformedResponseError';
  readonly code = ErrorCode.malformedResponse;
  constructor(
    readonly request: RequestInfo,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`Malformed response (${detail}): ${request.method} ${request.url}`, options);
  }
}

/** A credentials secret could not be used. Never carries the secret's value. */
export class CredentialsError extends GesOffhoursError {
  override readonly name = 'CredentialsError';
  readonly code = ErrorCode.credentials;
  constructor(
    readonly source: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Credentials from ${source}: ${problem}`, options);
  }
}

/** Why the ledger of stop windows could not be used: what an operator fixes differs for each. */
export type LedgerProblem =
  | 'table-not-found'
  | 'access-denied'
  | 'no-credentials'
  | 'no-region'
  | 'throttled'
  | 'timeout'
  | 'deadline'
  | 'network'
  | 'service-error'
  | 'rejected'
  | 'malformed-item';

/** The ledger (a DynamoDB table) could not be read or written. Starts that need it are refused. */
export class LedgerError extends GesOffhoursError {
  override readonly name = 'LedgerError';
  readonly code = ErrorCode.ledger;
  constructor(
    readonly table: string,
    readonly problem: LedgerProblem,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`Ledger table ${table}: ${detail}`, options);
  }
}

export function isGesOffhoursError(error: unknown): error is GesOffhoursError {
  return error instanceof GesOffhoursError;
}

/** Thrown by the handler after the summary is logged, so Lambda's Errors metric sees failed graphs. */
export class GraphsFailedError extends GesOffhoursError {
  override readonly name = 'GraphsFailedError';
  readonly code = ErrorCode.graphsFailed;
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly runId: string,
    detail: string,
  ) {
    super(`${failed} of ${total} graphs failed in run ${runId}: ${detail}`);
  }
}

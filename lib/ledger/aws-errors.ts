/**
 * AWS SDK and socket errors from DynamoDB, as LedgerErrors that say what to do. The one place where
 * the SDK's errors are wrapped; our own errors pass through untouched.
 */
import { LedgerError, type LedgerProblem } from '../errors.js';

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const DENIED = new Set(['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException']);
const SERVICE = new Set(['InternalServerError', 'ServiceUnavailable', 'InternalFailure']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
]);

/** What the call was doing, and whose signals could have ended it. */
export interface FailureContext {
  readonly table: string;
  readonly operation: string;
  /** The caller's signal (the run's deadline). */
  readonly deadline?: AbortSignal | undefined;
  /** The ledger's own per-call timeout. */
  readonly timeout: AbortSignal;
  readonly timeoutMs: number;
}

export function ledgerFailure(error: unknown, context: FailureContext): LedgerError {
  if (error instanceof LedgerError) return error;
  const [problem, detail] = describe(error, context);
  return new LedgerError(context.table, problem, `${context.operation} failed: ${detail}`, { cause: error });
}

function describe(error: unknown, context: FailureContext): [LedgerProblem, string] {
  const { table } = context;
  // Which signal fired decides between the run's deadline and a DynamoDB that does not answer.
  if (context.deadline?.aborted) return ['deadline', "not answered before the run's deadline"];
  if (context.timeout.aborted) return ['timeout', `DynamoDB did not answer within ${context.timeoutMs} ms`];
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (name === 'ResourceNotFoundException')
    return [
      'table-not-found',
      `table ${table} does not exist in this region: deploy the stack, or set LEDGER_TABLE to the table's name`,
    ];
  if (DENIED.has(name))
    return [
      'access-denied',
      `access denied (${name}): the function's role needs dynamodb:GetItem, PutItem, UpdateItem, DeleteItem, Query and Scan on table ${table}`,
    ];
  if (THROTTLED.has(name))
    return ['throttled', `throttled by DynamoDB (${name}) after the SDK's retries; the next run tries again`];
  if (name === 'CredentialsProviderError')
    return [
      'no-credentials',
      "no AWS credentials (on Lambda the function's role provides them; locally set AWS_PROFILE or AWS_ACCESS_KEY_ID)",
    ];
  if (/region is missing/i.test(message)) return ['no-region', 'no AWS region: set AWS_REGION'];
  if (name === 'TimeoutError' || code === 'ETIMEDOUT')
    return ['timeout', `DynamoDB did not answer in time (${name})`];
  if (typeof code === 'string' && NETWORK.has(code))
    return [
      'network',
      `cannot reach DynamoDB (${code}); check the network, or AWS_ENDPOINT_URL_DYNAMODB when set`,
    ];
  if (SERVICE.has(name) || (error as { $fault?: unknown } | null)?.$fault === 'server')
    return ['service-error', `DynamoDB failed (${name}); the next run tries again`];
  if (name === 'ValidationException')
    return [
      'rejected',
      `request rejected (${message}): the table's key schema must be graph (S, partition) and stoppedAt (S, sort)`,
    ];
  return ['rejected', `unexpected error (${name}: ${message})`];
}

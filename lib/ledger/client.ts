/**
 * The DynamoDB client behind the ledger: loaded on first use only (a plan never parses the SDK),
 * then kept for the life of the process so warm invocations reuse its connections. Every call is
 * bounded by a timeout of its own and the caller's signal, and fails with a LedgerError only.
 */
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LedgerError } from '../errors.js';
import { ledgerFailure } from './aws-errors.js';

export type Sdk = typeof import('@aws-sdk/client-dynamodb');
export type Send<T> = (sdk: Sdk, client: DynamoDBClient, abortSignal: AbortSignal) => Promise<T>;

export interface DynamoCaller {
  call<T>(operation: string, signal: AbortSignal | undefined, send: Send<T>): Promise<T>;
  destroy(): void;
}

export function dynamoCaller(options: {
  readonly table: string;
  readonly client: DynamoDBClientConfig;
  readonly timeoutMs: number;
}): DynamoCaller {
  const { table, timeoutMs } = options;
  let loaded: Promise<{ sdk: Sdk; client: DynamoDBClient }> | undefined;
  return {
    async call(operation, signal, send) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        if (both.aborted) throw both.reason;
        loaded ??= import('@aws-sdk/client-dynamodb').then((sdk) => ({
          sdk,
          client: new sdk.DynamoDBClient(options.client),
        }));
        const { sdk, client } = await loaded;
        // The race also ends a call the SDK holds in a retry back-off, where it does not watch the signal.
        return await new Promise((resolve, reject) => {
          const abort = () => reject(both.reason);
          both.addEventListener('abort', abort, { once: true });
          send(sdk, client, both)
            .then(resolve, reject)
            .finally(() => both.removeEventListener('abort', abort));
        });
      } catch (error) {
        throw ledgerFailure(error, { table, operation, deadline: signal, timeout, timeoutMs });
      }
    },
    destroy() {
      const current = loaded;
      loaded = undefined;
      void current?.then(
        ({ client }) => client.destroy(),
        () => undefined,
      );
    },
  };
}

/** A conditional write that found the item not as required: an answer, not a failure. */
export function conditionFailed(error: unknown): boolean {
  return (
    error instanceof LedgerError &&
    (error.cause as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

/**
 * Where the pause is kept: one item of the ledger table (LEDGER_TABLE), under a partition key that
 * no window can have. Window keys are `{projectId}/{graphId}` with a 32-hex project id, so `#control`
 * never collides; the savings report's range read skips it (isControlItem), and its sort key
 * (`pause`) sorts after every ISO instant, so a range filter on `stoppedAt` never matches it either.
 */
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LedgerError } from '../errors.js';
import { dynamoCaller } from '../ledger/client.js';
import type { Item } from '../ledger/items.js';
import type { CallOptions } from '../ledger/types.js';
import type { Pause } from './state.js';

export const CONTROL_PARTITION = '#control';
const PAUSE_KEY: Item = { graph: { S: CONTROL_PARTITION }, stoppedAt: { S: 'pause' } };
/** DynamoDB's TTL removes an ended pause a week after `until`. */
const KEEP_AFTER_MS = 7 * 86_400_000;

/** Items of the table that are not stop windows: the report and the range reads pass them by. */
export function isControlItem(item: Item): boolean {
  return item.graph?.S?.startsWith('#') === true;
}

export interface PauseStore {
  readonly table: string;
  /** The pause as stored (it may have ended: compare `until` with now). */
  read(options?: CallOptions): Promise<Pause | undefined>;
  /** Sets the pause, replacing any other. */
  set(pause: Pause, options?: CallOptions): Promise<void>;
  /** Removes the pause; resolves to the one removed, if any. */
  clear(options?: CallOptions): Promise<Pause | undefined>;
}

export interface DynamoPauseStore extends PauseStore {
  destroy(): void;
}

export function dynamoPauseStore(options: {
  readonly table: string;
  readonly client?: DynamoDBClientConfig | undefined;
  readonly requestTimeoutMs?: number | undefined;
}): DynamoPauseStore {
  const { table } = options;
  const { call, destroy } = dynamoCaller({
    table,
    client: options.client ?? {},
    timeoutMs: options.requestTimeoutMs ?? 5_000,
  });
  const parse = (item: Item | undefined): Pause | undefined => {
    if (item === undefined) return undefined;
    const pause = pauseOf(item);
    if (typeof pause === 'string') throw new LedgerError(table, 'malformed-item', `the pause item: ${pause}`);
    return pause;
  };
  return {
    table,
    async read({ signal }: CallOptions = {}) {
      const { Item: item } = await call('GetItem', signal, (sdk, client, abortSignal) =>
        client.send(new sdk.GetItemCommand({ TableName: table, Key: PAUSE_KEY, ConsistentRead: true }), {
          abortSignal,
        }),
      );
      return parse(item);
    },
    async set(pause, { signal }: CallOptions = {}) {
      const item: Item = {
        ...PAUSE_KEY,
        pausedAt: { S: pause.pausedAt.toISOString() },
        until: { S: pause.until.toISOString() },
        reason: { S: pause.reason },
        runId: { S: pause.runId },
        expiresAt: { N: String(Math.floor((pause.until.getTime() + KEEP_AFTER_MS) / 1000)) },
      };
      await call('PutItem', signal, (sdk, client, abortSignal) =>
        client.send(new sdk.PutItemCommand({ TableName: table, Item: item }), { abortSignal }),
      );
    },
    async clear({ signal }: CallOptions = {}) {
      const { Attributes: item } = await call('DeleteItem', signal, (sdk, client, abortSignal) =>
        client.send(
          new sdk.DeleteItemCommand({ TableName: table, Key: PAUSE_KEY, ReturnValues: 'ALL_OLD' }),
          {
            abortSignal,
          },
        ),
      );
      return parse(item);
    },
    destroy,
  };
}

/** The pause an item records, or what is wrong with it. */
export function pauseOf(item: Item): Pause | string {
  const pausedAt = new Date(item.pausedAt?.S ?? '');
  const until = new Date(item.until?.S ?? '');
  if (Number.isNaN(pausedAt.getTime()) || Number.isNaN(until.getTime()))
    return `pausedAt ${JSON.stringify(item.pausedAt?.S)} or until ${JSON.stringify(item.until?.S)} is not an instant`;
  return { pausedAt, until, reason: item.reason?.S ?? '', runId: item.runId?.S ?? '' };
}

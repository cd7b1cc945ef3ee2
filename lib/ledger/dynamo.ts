/**
 * The ledger in a DynamoDB table. Keep one per process (module scope): its client is loaded on
 * first use and reused by warm invocations. The endpoint follows the SDK's own settings,
 * AWS_ENDPOINT_URL_DYNAMODB included.
 *
 * At most one open window per graph, without transactions (which the local emulator lacks): a
 * stop's window is written conditionally (a retried write finds itself), then the graph's open
 * windows are read back with a consistent read, and every open window but the earliest is deleted.
 * Whoever writes last sees all the others, and nobody deletes the earliest, so concurrent runs end
 * with exactly one. Reads go newest first and stop at the first closed window: a graph's windows
 * follow one another in time, so an open window is never older than a closed one.
 */
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LedgerError } from '../errors.js';
import { isControlItem } from '../pause/store.js';
import { conditionFailed, dynamoCaller, type Sdk } from './client.js';
import {
  compareWindows,
  expiresAt,
  fromItem,
  type Item,
  keyItem,
  OPEN_INDEX,
  toItem,
  windowKey,
} from './items.js';
import {
  type CallOptions,
  type CloseResult,
  graphKey,
  type Ledger,
  type LedgerWindow,
  type OpenResult,
  type OpenWindowsResult,
  type WindowKey,
  type WindowPatch,
} from './types.js';

export interface DynamoLedgerOptions {
  readonly table: string;
  /** Passed to the DynamoDB client (region, endpoint, credentials, maxAttempts). */
  readonly client?: DynamoDBClientConfig | undefined;
  /** Bound on each call, SDK retries included. Default 5 s. */
  readonly requestTimeoutMs?: number | undefined;
  /** Graphs read at once by openWindows. Default 8. */
  readonly concurrency?: number | undefined;
  /** Items per Scan page for `windows` (default: DynamoDB's 1 MB pages). */
  readonly scanPageSize?: number | undefined;
}

export interface DynamoLedger extends Ledger {
  /** Closes the client's connections (tests, scripts); the ledger loads a new client if used again. */
  destroy(): void;
}

/** Items read per page of a graph's newest windows: an open window is (almost always) the newest. */
const PAGE = 8;
const OPEN = 'attribute_not_exists(endedAt)';

/** What the ledger reads of a Query or Scan answer. */
interface Page {
  readonly Items?: Item[] | undefined;
  readonly LastEvaluatedKey?: Item | undefined;
}

export function dynamoLedger(options: DynamoLedgerOptions): DynamoLedger {
  const { table } = options;
  const concurrency = options.concurrency ?? 8;
  const { call, destroy } = dynamoCaller({
    table,
    client: options.client ?? {},
    timeoutMs: options.requestTimeoutMs ?? 5_000,
  });

  function parse(item: Item): LedgerWindow {
    const window = fromItem(item);
    if (typeof window !== 'string') return window;
    const where = `${item.graph?.S ?? '?'} @ ${item.stoppedAt?.S ?? '?'}`;
    throw new LedgerError(table, 'malformed-item', `item ${where}: ${window}`);
  }

  /** The items of a Query or Scan, a page a call, following LastEvaluatedKey; the caller may stop early. */
  async function* pages(
    operation: 'Query' | 'Scan',
    signal: AbortSignal | undefined,
    send: (
      sdk: Sdk,
      client: DynamoDBClient,
      abortSignal: AbortSignal,
      start: Item | undefined,
    ) => Promise<Page>,
  ): AsyncGenerator<Item[]> {
    let start: Item | undefined;
    do {
      const page = await call(operation, signal, (sdk, client, abortSignal) =>
        send(sdk, client, abortSignal, start),
      );
      yield page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** A graph's open windows, earliest first: its newest items up to the first closed one. */
  async function readOpen(graph: string, signal: AbortSignal | undefined): Promise<LedgerWindow[]> {
    const open: LedgerWindow[] = [];
    const newestFirst = pages('Query', signal, (sdk, client, abortSignal, start) =>
      client.send(
        new sdk.QueryCommand({
          TableName: table,
          KeyConditionExpression: 'graph = :g',
          ExpressionAttributeValues: { ':g': { S: graph } },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: PAGE,
          ExclusiveStartKey: start,
        }),
        { abortSignal },
      ),
    );
    for await (const items of newestFirst) {
      const windows = items.map(parse);
      open.push(...windows.filter((w) => w.endedAt === undefined));
      if (windows.some((w) => w.endedAt !== undefined)) break;
    }
    return open.sort(compareWindows);
  }

  async function read(key: WindowKey, signal: AbortSignal | undefined): Promise<LedgerWindow | undefined> {
    const { Item: item } = await call('GetItem', signal, (sdk, client, abortSignal) =>
      client.send(new sdk.GetItemCommand({ TableName: table, Key: keyItem(key), ConsistentRead: true }), {
        abortSignal,
      }),
    );
    return item ? parse(item) : undefined;
  }

  /**
   * Deletes a window of this run while it is open (and, with `pendingOnly`, still pending): one
   * that lost to an earlier one recording the same stop, or a stop that never happened.
   */
  async function discard(
    window: LedgerWindow,
    signal: AbortSignal | undefined,
    pendingOnly = false,
  ): Promise<void> {
    try {
      await call('DeleteItem', signal, (sdk, client, abortSignal) =>
        client.send(
          new sdk.DeleteItemCommand({
            TableName: table,
            Key: keyItem(window.key),
            ConditionExpression: `${OPEN}${pendingOnly ? ' AND pending = :t' : ''} AND runId = :r`,
            ExpressionAttributeValues: {
              ':r': { S: window.runId },
              ...(pendingOnly ? { ':t': { BOOL: true } } : {}),
            },
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }

  return {
    table,

    async openWindow(input, { signal }: CallOptions = {}): Promise<OpenResult> {
      const key = windowKey(input);
      try {
        await call('PutItem', signal, (sdk, client, abortSignal) =>
          client.send(
            new sdk.PutItemCommand({
              TableName: table,
              Item: toItem(input),
              ConditionExpression: 'attribute_not_exists(graph)',
            }),
            { abortSignal },
          ),
        );
      } catch (error) {
        // The window is there already: a retry of this write, or another run at the same instant.
        if (!conditionFailed(error)) throw error;
      }
      const [keeper, ...losers] = await readOpen(key.graph, signal);
      for (const loser of losers) await discard(loser, signal);
      if (keeper) {
        const ours = keeper.key.stoppedAt === key.stoppedAt && keeper.runId === input.runId;
        return { outcome: ours ? 'opened' : 'already-open', window: keeper };
      }
      const existing = await read(key, signal);
      if (existing?.endedAt !== undefined) return { outcome: 'already-closed', window: existing };
      if (existing) return { outcome: 'opened', window: existing };
      throw new LedgerError(
        table,
        'rejected',
        `window ${key.graph} @ ${key.stoppedAt} vanished while it was recorded (a concurrent run closed the window it duplicated)`,
      );
    },

    async openWindows(graphs, { signal }: CallOptions = {}) {
      const keys = [...new Set(graphs.map(graphKey))];
      const results = new Map<string, OpenWindowsResult>();
      await forEachBounded(keys, concurrency, async (graph) => {
        try {
          results.set(graph, { ok: true, windows: await readOpen(graph, signal) });
        } catch (error) {
          if (!(error instanceof LedgerError)) throw error;
          results.set(graph, { ok: false, error });
        }
      });
      return results;
    },

    async closeWindow(window, { endedAt, endedBy }, { signal }: CallOptions = {}): Promise<CloseResult> {
      const key = 'key' in window ? window.key : window;
      try {
        const { Attributes: item } = await call('UpdateItem', signal, (sdk, client, abortSignal) =>
          client.send(
            new sdk.UpdateItemCommand({
              TableName: table,
              Key: keyItem(key),
              UpdateExpression: 'SET endedAt = :e, endedBy = :b, expiresAt = :x REMOVE openIn',
              ConditionExpression: `attribute_exists(graph) AND ${OPEN}`,
              ExpressionAttributeValues: {
                ':e': { S: endedAt.toISOString() },
                ':b': { S: endedBy },
                ':x': { N: String(expiresAt(endedAt)) },
              },
              ReturnValues: 'ALL_NEW',
            }),
            { abortSignal },
          ),
        );
        return { outcome: 'closed', window: parse(item ?? {}) };
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
      const current = await read(key, signal);
      return current ? { outcome: 'already-closed', window: current } : { outcome: 'missing' };
    },

    async updateWindow(window, patch, { signal }: CallOptions = {}) {
      const key = 'key' in window ? window.key : window;
      const { update, values } = patchExpression(patch);
      if (update === '') return 'updated';
      try {
        await call('UpdateItem', signal, (sdk, client, abortSignal) =>
          client.send(
            new sdk.UpdateItemCommand({
              TableName: table,
              Key: keyItem(key),
              UpdateExpression: update,
              ConditionExpression: `attribute_exists(graph) AND ${OPEN}`,
              ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
            }),
            { abortSignal },
          ),
        );
        return 'updated';
      } catch (error) {
        if (conditionFailed(error)) return 'missing';
        throw error;
      }
    },

    async discardPending(window, { signal }: CallOptions = {}) {
      await discard(window, signal, true);
    },

    async openWindowsOf(projectId, { signal }: CallOptions = {}) {
      const open: LedgerWindow[] = [];
      const indexed = pages('Query', signal, (sdk, client, abortSignal, start) =>
        client.send(
          new sdk.QueryCommand({
            TableName: table,
            IndexName: OPEN_INDEX,
            KeyConditionExpression: 'openIn = :p',
            ExpressionAttributeValues: { ':p': { S: projectId } },
            ExclusiveStartKey: start,
          }),
          { abortSignal },
        ),
      );
      for await (const items of indexed)
        open.push(...items.map(parse).filter((w) => w.endedAt === undefined));
      return open.sort(compareWindows);
    },

    async windows(from, to, { signal }: CallOptions = {}) {
      const found: LedgerWindow[] = [];
      const skipped: string[] = [];
      const scanned = pages('Scan', signal, (sdk, client, abortSignal, start) =>
        client.send(
          new sdk.ScanCommand({
            TableName: table,
            // ISO strings of one format compare like instants; the exact test is repeated below.
            FilterExpression: `stoppedAt < :to AND (${OPEN} OR endedAt > :from)`,
            ExpressionAttributeValues: {
              ':from': { S: from.toISOString() },
              ':to': { S: to.toISOString() },
            },
            ExclusiveStartKey: start,
            Limit: options.scanPageSize,
          }),
          { abortSignal },
        ),
      );
      for await (const items of scanned) {
        for (const item of items) {
          if (isControlItem(item)) continue; // the pause (lib/pause/store.ts): not a window
          const window = fromItem(item);
          if (typeof window === 'string')
            skipped.push(`${item.graph?.S ?? '?'} @ ${item.stoppedAt?.S ?? '?'}: ${window}`);
          else if (window.stoppedAt < to && (window.endedAt === undefined || window.endedAt > from))
            found.push(window);
        }
      }
      return { windows: found.sort(compareWindows), skipped };
    },

    destroy,
  };
}

/** The UpdateExpression that records a patch on an open window. */
function patchExpression(patch: WindowPatch): { update: string; values: Item } {
  const set: string[] = [];
  const remove: string[] = [];
  const values: Item = {};
  if (patch.jobId !== undefined) {
    set.push('jobId = :j');
    values[':j'] = { S: patch.jobId };
  }
  if (patch.confirmedAt !== undefined) {
    set.push('confirmedAt = :c');
    values[':c'] = { S: patch.confirmedAt.toISOString() };
    remove.push('pending');
  }
  if (patch.start !== undefined) {
    set.push('startedAt = :s', 'startAttempts = :n');
    values[':s'] = { S: patch.start.startedAt.toISOString() };
    values[':n'] = { N: String(patch.start.attempts) };
    if (patch.start.jobId === undefined) remove.push('startJobId');
    else {
      set.push('startJobId = :sj');
      values[':sj'] = { S: patch.start.jobId };
    }
  } else if (patch.clearStart) {
    remove.push('startedAt', 'startJobId', 'startAttempts');
  }
  const update = [
    set.length ? `SET ${set.join(', ')}` : '',
    remove.length ? `REMOVE ${remove.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { update, values };
}

async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

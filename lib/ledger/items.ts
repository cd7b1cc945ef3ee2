/**
 * Windows as DynamoDB items. Partition key `graph` (S) = `{projectId}/{graphId}`, sort key
 * `stoppedAt` (S, ISO-8601 UTC); instants are ISO strings, `replication` and the TTL attribute
 * `expiresAt` (epoch seconds) are numbers. `graphName` (S) is optional: older windows lack it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EndedBy, graphKey, type LedgerWindow, type OpenWindowInput, type WindowKey } from './types.js';

export type Item = Record<string, AttributeValue>;

/** A closed window is kept this long after it ended, then DynamoDB's TTL removes it. */
export const RETENTION_DAYS = 400;

/** The TTL of a window: 400 days after it ended or, while it is open, after it was opened. */
export function expiresAt(endedAt: Date): number {
  return Math.floor(endedAt.getTime() / 1000) + RETENTION_DAYS * 86_400;
}

/**
 * The sparse index of open windows: `openIn` (the project id) is set while a window is open and
 * removed when it closes, so one Query finds a project's open windows, whatever graph they are of.
 */
export const OPEN_INDEX = 'open-by-project';

export function keyItem(key: WindowKey): Item {
  return { graph: { S: key.graph }, stoppedAt: { S: key.stoppedAt } };
}

export function windowKey(input: OpenWindowInput): WindowKey {
  return { graph: graphKey(input), stoppedAt: input.stoppedAt.toISOString() };
}

export function toItem(input: OpenWindowInput): Item {
  const item: Item = {
    ...keyItem(windowKey(input)),
    runId: { S: input.runId },
    schedule: { S: input.schedule },
    openIn: { S: input.projectId },
    expiresAt: { N: String(expiresAt(input.stoppedAt)) },
  };
  if (input.pending) item.pending = { BOOL: true };
  if (input.jobId !== undefined) item.jobId = { S: input.jobId };
  if (input.offUntil !== undefined) item.offUntil = { S: input.offUntil.toISOString() };
  if (input.sizeIndex !== undefined) item.sizeIndex = { S: input.sizeIndex };
  if (input.replication !== undefined) item.replication = { N: String(input.replication) };
  if (input.graphName !== undefined) item.graphName = { S: input.graphName };
  return item;
}

/** The window an item records, or a description of what is wrong with it. */
export function fromItem(item: Item): LedgerWindow | string {
  const graph = item.graph?.S;
  const stoppedAtText = item.stoppedAt?.S;
  if (graph === undefined || stoppedAtText === undefined) return 'no graph or stoppedAt key';
  const slash = graph.indexOf('/');
  if (slash <= 0 || slash === graph.length - 1)
    return `graph ${JSON.stringify(graph)} is not projectId/graphId`;
  const stoppedAt = instant(stoppedAtText);
  if (!stoppedAt) return `stoppedAt ${JSON.stringify(stoppedAtText)} is not an ISO-8601 instant`;
  const endedAt = optionalInstant(item.endedAt?.S);
  const offUntil = optionalInstant(item.offUntil?.S);
  if (endedAt === null) return `endedAt ${JSON.stringify(item.endedAt?.S)} is not an ISO-8601 instant`;
  const confirmedAt = optionalInstant(item.confirmedAt?.S);
  const startedAt = optionalInstant(item.startedAt?.S);
  if (confirmedAt === null)
    return `confirmedAt ${JSON.stringify(item.confirmedAt?.S)} is not an ISO-8601 instant`;
  if (startedAt === null) return `startedAt ${JSON.stringify(item.startedAt?.S)} is not an ISO-8601 instant`;
  const endedBy = item.endedBy?.S;
  const knownEndedBy = Object.values(EndedBy).find((e) => e === endedBy);
  const replication = finite(item.replication?.N);
  return {
    projectId: graph.slice(0, slash),
    graphId: graph.slice(slash + 1),
    key: { graph, stoppedAt: stoppedAtText },
    stoppedAt,
    runId: item.runId?.S ?? '',
    schedule: item.schedule?.S ?? '',
    jobId: item.jobId?.S,
    offUntil: offUntil ?? undefined,
    sizeIndex: item.sizeIndex?.S,
    replication,
    graphName: item.graphName?.S,
    pending: item.pending?.BOOL === true ? true : undefined,
    confirmedAt,
    startedAt,
    startJobId: item.startJobId?.S,
    startAttempts: finite(item.startAttempts?.N),
    expiresAt: finite(item.expiresAt?.N),
    endedAt,
    // A window with an end but no known reason is still closed; the reason just goes unreported.
    endedBy: knownEndedBy,
  };
}

function finite(text: string | undefined): number | undefined {
  const n = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function instant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** undefined when absent, null when present but not an instant. */
function optionalInstant(text: string | undefined): Date | undefined | null {
  return text === undefined ? undefined : (instant(text) ?? null);
}

/** The order that decides which of several open windows of one graph stands: earliest first. */
export function compareWindows(a: LedgerWindow, b: LedgerWindow): number {
  return (
    a.stoppedAt.getTime() - b.stoppedAt.getTime() ||
    cmp(a.key.stoppedAt, b.key.stoppedAt) ||
    cmp(a.runId, b.runId) ||
    cmp(a.jobId ?? '', b.jobId ?? '')
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

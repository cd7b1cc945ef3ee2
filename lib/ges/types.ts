/** Shared GES types: API generations, graph states, jobs and credentials. */

export const ApiVersion = { v1: 'v1', v2: 'v2' } as const;
export type ApiVersion = (typeof ApiVersion)[keyof typeof ApiVersion];

export interface Credentials {
  readonly ak: string;
  readonly sk: string;
  /** Only for temporary credentials; sent as `X-Security-Token`. */
  readonly securityToken?: string | undefined;
}

/** What a stopper needs to know about a graph's status code (docs/ges-api.md, "Graph status codes"). */
export type GraphState =
  | { readonly kind: 'running' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'stopping' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'busy'; readonly reason: string }
  | { readonly kind: 'not-stoppable'; readonly reason: string }
  /** A code this function does not know: it may be billing, and only a person can say. */
  | { readonly kind: 'unknown'; readonly reason: string };

export type GraphStateKind = GraphState['kind'];

const BUSY: Readonly<Record<string, string>> = {
  '100': 'preparing',
  '201': 'upgrading',
  '202': 'importing',
  '203': 'rolling back',
  '204': 'exporting',
  '205': 'clearing',
  '206': 'resizing',
  '207': 'resizing',
  '208': 'resizing',
  '210': 'replica expansion',
  '211': 'replica expansion',
  '903': 'backing up',
};

const NOT_STOPPABLE: Readonly<Record<string, string>> = {
  '300': 'faulty',
  '303': 'creation failed',
  '400': 'deleted',
  '800': 'frozen',
};

/**
 * Maps a GES status code (a string in the API; numbers are accepted too) to a state.
 * An unknown code is never a reason to stop or start a graph, nor to stay silent about it.
 */
export function graphStateOf(status: string | number): GraphState {
  const code = String(status).trim();
  switch (code) {
    case '200':
      return { kind: 'running' };
    case '900':
      return { kind: 'stopped' };
    case '901':
      return { kind: 'stopping' };
    case '920':
      return { kind: 'starting' };
  }
  const busy = BUSY[code];
  if (busy !== undefined) return { kind: 'busy', reason: `${busy} (status ${code})` };
  const notStoppable = NOT_STOPPABLE[code];
  if (notStoppable !== undefined)
    return { kind: 'not-stoppable', reason: `${notStoppable} (status ${code})` };
  return { kind: 'unknown', reason: `unknown status ${code}` };
}

/** One GES tag of a graph. Keys and values are compared exactly, case included. */
export interface GraphTag {
  readonly key: string;
  readonly value: string;
}

export interface Graph {
  readonly id: string;
  readonly name: string;
  /** The raw status code as GES sent it. */
  readonly status: string;
  readonly state: GraphState;
  /** The graph's tags, set when it was created; empty when GES sent none or none that parse. */
  readonly tags: readonly GraphTag[];
  /** GES's graph size index (`graphSizeTypeIndex`), a decimal string such as "1" or "401". */
  readonly sizeIndex?: string | undefined;
  /** Number of replicas (v2 only); the price of a graph scales with it. */
  readonly replication?: number | undefined;
}

export const JobStatus = ['pending', 'running', 'success', 'failed'] as const;
export type JobStatus = (typeof JobStatus)[number];

export interface Job {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly jobType?: string | undefined;
  /** ISO-8601 UTC, normalised from either documented format. */
  readonly beginTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly failReason?: string | undefined;
}

/** A job as the v2 job centre lists it. */
export interface ListedJob extends Job {
  /** `related_graph`: the graph's name. */
  readonly graphName?: string | undefined;
  readonly jobName?: string | undefined;
}

/** The sandbox's public types. `server.ts` re-exports them; import from there. */

/** Which GES call a request was routed to. */
/** `jobs` is the v2 job centre, `GET /v2/{project_id}/graphs/jobs` (it names no graph). */
export type RequestKind = 'list' | 'get' | 'stop' | 'start' | 'job' | 'jobs';

/** Which API generation a request used: `v1` is `/v1.0/…`, `v2` is `/v2/…`. */
export type SandboxApiVersion = 'v1' | 'v2';

/** A graph the sandbox serves. The sandbox keeps its own copy; read the live state with `sandbox.graph()`. */
export interface SandboxGraph {
  /** 32 hex characters, as Huawei project ids are. */
  projectId: string;
  id: string;
  name: string;
  /** GES status code, always a string: '200' running, '900' stopped, '901' stopping, '202' importing… */
  status: string;
  /** How this graph's stop jobs end (default 'success'). 'never' leaves the job running forever. */
  stopJob?: 'success' | 'failed' | 'never';
  /** The job's `failReason` when `stopJob` is 'failed'. */
  failReason?: string;
  /** How this graph's start jobs end (default 'success'); a failed start leaves the graph stopped ('900'). */
  startJob?: 'success' | 'failed' | 'never';
  /** The start job's `failReason` when `startJob` is 'failed'. */
  startFailReason?: string;
  /** Overrides `SandboxOptions.readLagMs` for this graph. */
  readLagMs?: number;
  /**
   * GES tags, given at creation and never changed. Served as `[{key, value}]` by v2 and as
   * `[{Key, Value}]` by v1.0, whose tags the SDK leaves untyped (default none).
   */
  tags?: SandboxTag[];
  /** `graphSizeTypeIndex` / `graph_size_type_index`: "0"–"6", "401" (default "1", million-edge). */
  sizeIndex?: string;
  /** Replicas, served by v2 only (default 1). */
  replication?: number;
}

export interface SandboxTag {
  key: string;
  value: string;
}

/** An AK/SK pair the sandbox accepts. */
export interface SandboxAccount {
  ak: string;
  sk: string;
  /** Projects this AK may touch (403 otherwise); omitted = all projects. */
  projectIds?: string[];
}

/** What a fault does to a request it applies to. */
export type FaultEffect =
  /** Answer with this HTTP status and an error body, without carrying out the action. */
  | { type: 'status'; status: number; gesCode?: string; message?: string; retryAfter?: string }
  /** Reset the connection (TCP RST) without answering, before carrying out the action. */
  | { type: 'reset' }
  /** Never answer; the socket stays open until the client gives up or the sandbox closes. */
  | { type: 'hang' }
  /** Carry out the action (a stop really happens), then destroy the socket without answering. */
  | { type: 'lose-answer' }
  /**
   * Carry out the request as usual (a stop or start really happens, its job recorded as `jobId`),
   * then answer this status and an error body instead of the real answer: the gateway's 503
   * after the backend acted. Defaults for code and message as for `status`.
   */
  | { type: 'acted-status'; status: number; gesCode?: string; message?: string; retryAfter?: string }
  /** Answer 200 with `Content-Type: application/json` and a body that is not JSON; no action is carried out. */
  | { type: 'malformed' }
  /** Wait this long, then go on with the next matching rules and normal handling. */
  | { type: 'latency'; ms: number };

/**
 * One fault rule. Filters left out match everything; a request to an unknown route matches only
 * rules without `kinds`, and a list or job-centre request (no graph in its path) only rules
 * without `graphIds`.
 */
export interface FaultRule {
  kinds?: RequestKind[];
  projectIds?: string[];
  graphIds?: string[];
  /** Probability 0..1 that a matching request is hit (default 1), drawn from the sandbox's seeded PRNG. */
  rate?: number;
  /** Only when this (method, path with query) has never been seen by the sandbox before. */
  firstAttemptOnly?: boolean;
  /** Apply at most this many times in total. */
  times?: number;
  effect: FaultEffect;
}

/** The API gateway's per-access-key throttling (Huawei publishes 10 requests/s for its open APIs). */
export interface RateLimit {
  /**
   * Sustained requests a second per access key, shared by all its projects and all calls (list,
   * get, stop, start, job). May be fractional: 0.5 is one request every 2 s.
   */
  requestsPerSecond: number;
  /** Requests an idle key may send at once: the bucket size (default one second's worth, at least 1). */
  burst?: number;
  /**
   * The `Retry-After` header on a 429: 'none' leaves it out (default, as the gateway mostly does);
   * 'seconds' sends the whole seconds until the key's next token (at least 1); a number always
   * sends that many seconds.
   */
  retryAfter?: 'none' | 'seconds' | number;
  /** The policy the 429's message names (default 'user'). */
  policy?: ThrottlePolicyName;
  /** Requests a second another client spends from each key's bucket, evenly (default 0). */
  otherClientPerSecond?: number;
}

/** What counts a gateway limit: `api` is the API's total, shared with every other caller. */
export type ThrottlePolicyName = 'user' | 'ip' | 'app' | 'api';

/**
 * A fixed-window quota per access key (sandbox/throttles.ts): `limit` requests per window of
 * `periodSeconds`, the first window starting at the key's first request; once it is spent, every
 * request is refused until the next window. The 429 states it: `limit:120,time:1 minute`.
 */
export interface WindowLimit {
  limit: number;
  periodSeconds: number;
  /** Default 'user'. */
  policy?: ThrottlePolicyName;
  /** 'window' sends the whole seconds until the next window; default 'none'. */
  retryAfter?: 'none' | 'window';
}

/** 429s at random, whatever the rate: a limit others spend, or an `api` policy shared with them. */
export interface RandomThrottle {
  /** Share 0..1 of authenticated requests refused, from the sandbox's seeded PRNG. */
  share: number;
  /** The `Retry-After` header in whole seconds; none when left out. */
  retryAfterSeconds?: number;
  /** The 429's `error_msg` (default: an `api` policy of 1000 requests a second). */
  message?: string;
}

/**
 * A change to a project's graphs made right after the sandbox has answered that project's
 * `afterPages`-th list page (status 200), the way a graph created or deleted by someone else shows
 * up between two pages of a real listing. Applied once.
 */
export interface ListMutation {
  projectId: string;
  /** 1 = after the first page served (counted from when the mutations were set). */
  afterPages: number;
  /** Ids of this project's graphs to delete. */
  remove?: string[];
  /** Graphs to create in this project (their `projectId` must be this one). */
  add?: SandboxGraph[];
  /** Where the added graphs go in the project's listing order: an index, default the end. */
  addAt?: number;
}

export interface SandboxOptions {
  graphs: SandboxGraph[];
  accounts: SandboxAccount[];
  /** How long a stop/start job runs before it ends (default 50). */
  jobDurationMs?: number;
  /** How long a start job runs before it ends (default `jobDurationMs`): GES starts take minutes. */
  startJobDurationMs?: number;
  /**
   * For this long after a stop or start is accepted, list and get answers still show the graph's
   * status from before it (GES shows a new state late); job status and the job centre do not lag
   * (default 0; `SandboxGraph.readLagMs` overrides it per graph).
   */
  readLagMs?: number;
  /**
   * Milliseconds that jobs, read lag and the job centre run on (default `Date.now`): a simulated
   * week (sandbox/week.ts) moves it with the simulated time, so a job's times match the run's instants.
   */
  clock?: () => number;
  /** Added to every request before anything else (default 0). */
  latencyMs?: number;
  faults?: FaultRule[];
  /** Seed of the PRNG used for fault rates and job ids (default 1). */
  seed?: number;
  /** Cap of the list `limit`; larger limits are clamped (default 100). */
  maxPageSize?: number;
  /** Throttling per access key, checked after the signature (default none). */
  rateLimit?: RateLimit;
  /** A fixed-window quota per access key, checked before `rateLimit` (default none). */
  windowLimit?: WindowLimit;
  /** Random 429s, checked before any limit (default none). */
  randomThrottle?: RandomThrottle;
  /** Changes to the graphs between list pages (default none). */
  listMutations?: ListMutation[];
  /** The clock the X-Sdk-Date window is checked against (default real time). Jobs use `clock`. */
  now?: () => Date;
  /** Monotonic milliseconds for the rate limit's buckets (default `performance.now`). */
  monotonicMs?: () => number;
  /** Called once per request when it is settled (answered, reset, hung, answer lost); must not throw. */
  onSettled?: (request: Readonly<RecordedRequest>) => void;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

/** What the sandbox did with a request. */
export type RecordedStatus = number | 'reset' | 'hang' | 'lost' | 'pending';

/** One request as the sandbox saw it. Recorded on arrival; `status` is filled in when it is settled. */
export interface RecordedRequest {
  /** 1, 2, 3… in order of arrival. */
  seq: number;
  method: string;
  /** The path without the query, as sent. */
  path: string;
  query: Record<string, string>;
  kind: RequestKind | 'unknown';
  apiVersion: SandboxApiVersion | undefined;
  projectId?: string;
  graphId?: string;
  /** The job asked about (kind 'job'), or the job a stop/start created (also when its answer was lost). */
  jobId?: string;
  /** The request body as UTF-8, when there was one and it was read. */
  body?: string;
  /**
   * The HTTP status answered, or 'reset' / 'hang' / 'lost' (action done, answer dropped);
   * 'pending' while the request is still in a delay (or was cut off by `close()` during one).
   */
  status: RecordedStatus;
  /** The fault effects applied, joined with '+', e.g. 'latency+reset'; 'throttle' for a rate-limit 429. */
  fault?: string;
  /** `Date.now()` when the request arrived. */
  at: number;
}

export interface RequestFilter {
  kind?: RequestKind | 'unknown';
  projectId?: string;
  graphId?: string;
  apiVersion?: SandboxApiVersion;
  status?: RecordedStatus;
  /** Matches a request whose `fault` includes this effect: 'throttle', 'reset', 'latency'… */
  fault?: string;
}

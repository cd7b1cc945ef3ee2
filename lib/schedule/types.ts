/** The validated, frozen schedule config (docs/contracts.md §1). Built by `config.ts`. */
import type { ApiVersion } from '../ges/types.js';

/** A whole local day that is off-hours: one date, or the same month and day every year. */
export type Holiday =
  | { readonly kind: 'date'; readonly year: number; readonly month: number; readonly day: number }
  | { readonly kind: 'yearly'; readonly month: number; readonly day: number };

export interface Schedule {
  readonly name: string;
  /** IANA zone in which `stop`, `start` and `holidays` are read. */
  readonly timezone: string;
  /** 5-field cron: off-hours begin. */
  readonly stop: string;
  /** 5-field cron: off-hours end. */
  readonly start: string;
  readonly holidays: readonly Holiday[];
  /** When off-hours end, start again the graphs this function stopped in them. Default false. */
  readonly startGraphs: boolean;
}

export interface GraphConfig {
  /** At least one of `id` and `name`; when both are given the run checks that they match. */
  readonly id?: string;
  readonly name?: string;
  /** Name of an entry in `Config.schedules`. */
  readonly schedule: string;
  /** Leave the graph alone before this instant. */
  readonly skipUntil?: Date;
  /** The entry's own `startGraphs`, else its schedule's. */
  readonly startGraphs: boolean;
  /** Price per hour of this graph; overrides `Config.pricing`. */
  readonly hourlyPrice?: number;
  /** Where the graph sits in the file, e.g. `projects[0].graphs[1]`, for messages. */
  readonly path: string;
}

export interface ProjectConfig {
  readonly projectId: string;
  readonly region: string;
  /** Origin only (`https://host[:port]`), no trailing slash. */
  readonly endpoint: string;
  readonly apiVersion: ApiVersion;
  /** Secrets Manager secret; when absent the run uses GES_CREDENTIALS_SECRET. */
  readonly credentialsSecret?: string;
  /**
   * Tag key whose value names the schedule of a graph that `graphs` does not list (`off` opts
   * out). With it, `graphs` may be empty.
   */
  readonly scheduleTag?: string;
  readonly graphs: readonly GraphConfig[];
}

export interface Settings {
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly verifyJobs: boolean;
  /** Cap on requests per second per (endpoint, access key); absent: no cap, the pace adapts. */
  readonly maxRequestsPerSecond?: number;
}

export interface Pricing {
  /** ISO 4217 code of every price in the config. Default USD. */
  readonly currency: string;
  /** Price per hour of one replica, by GES graph size index ("1", "4", "401", …). */
  readonly hourly: ReadonlyMap<string, number>;
}

export interface Config {
  /**
   * By name. A null-prototype record: `schedules.constructor` is a schedule of that name or
   * undefined, never Object's; look names up with `Object.hasOwn` all the same.
   */
  readonly schedules: Readonly<Record<string, Schedule>>;
  readonly projects: readonly ProjectConfig[];
  readonly settings: Settings;
  readonly pricing: Pricing;
}

/** Something worth logging that does not stop the run. */
export interface ConfigWarning {
  readonly path: string;
  readonly message: string;
}

/** The validated, frozen schedule config (design.md §1). Built by `config.ts`. */
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
}

export interface GraphConfig {
  /** At least one of `id` and `name`; when both are given the run checks that they match. */
  readonly id?: string;
  readonly name?: string;
  /** Name of an entry in `Config.schedules`. */
  readonly schedule: string;
  /** Leave the graph alone before this instant. */
  readonly skipUntil?: Date;
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
  readonly graphs: readonly GraphConfig[];
}

export interface Settings {
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  readonly verifyJobs: boolean;
}

export interface Config {
  readonly schedules: Readonly<Record<string, Schedule>>;
  readonly projects: readonly ProjectConfig[];
  readonly settings: Settings;
}

/** Something worth logging that does not stop the run. */
export interface ConfigWarning {
  readonly path: string;
  readonly message: string;
}

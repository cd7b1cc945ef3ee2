/**
 * The one place that reads the process environment (docs/contracts.md §6). Everything deeper takes these
 * values as parameters.
 */
import type { Credentials } from './ges/types.js';

export const DEFAULT_CONFIG_PATH = 'config/schedule.yaml';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Environment {
  /** Path of the schedule config, relative to the working directory (the Lambda's task root). */
  readonly configPath: string;
  /** Default Secrets Manager secret for projects that name none. */
  readonly credentialsSecret: string | undefined;
  /** `HUAWEICLOUD_SDK_AK`/`_SK`/`_SECURITY_TOKEN`, used only when no secret is named. */
  readonly envCredentials: Credentials | undefined;
  readonly logLevel: LogLevel;
  /** DynamoDB table of the ledger of stop windows (`LEDGER_TABLE`), when set. */
  readonly ledgerTable?: string | undefined;
  /** Deployed stage (`STAGE`, set by the stack): a dimension of the run's metrics. */
  readonly stage?: string | undefined;
}

/** The variables that hold credentials, as messages name them (the values are never shown). */
export const ENV_CREDENTIALS = {
  ak: 'HUAWEICLOUD_SDK_AK',
  sk: 'HUAWEICLOUD_SDK_SK',
  securityToken: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
} as const satisfies Readonly<Record<keyof Credentials, string>>;

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function readEnvironment(env: Env = process.env): Environment {
  // Trimmed here; a value with a control character inside is refused when it is used (a
  // CredentialsError for the projects that need it), not here, where no run has started yet.
  const ak = nonEmpty(env[ENV_CREDENTIALS.ak]);
  const sk = nonEmpty(env[ENV_CREDENTIALS.sk]);
  const securityToken = nonEmpty(env[ENV_CREDENTIALS.securityToken]);
  const level = nonEmpty(env.LOG_LEVEL)?.toUpperCase();
  return {
    configPath: nonEmpty(env.SCHEDULE_CONFIG) ?? DEFAULT_CONFIG_PATH,
    credentialsSecret: nonEmpty(env.GES_CREDENTIALS_SECRET),
    envCredentials: ak && sk ? { ak, sk, securityToken } : undefined,
    logLevel: LOG_LEVELS.find((l) => l === level) ?? 'INFO',
    ledgerTable: nonEmpty(env.LEDGER_TABLE),
    stage: nonEmpty(env.STAGE),
  };
}

/**
 * The narrow logging seam the run writes to. The handler backs it with Powertools Logger (JSON
 * lines, Lambda context); tests back it with an array. Nothing passed here may hold a credential:
 * callers log ids, outcomes and error codes, never request headers or secrets.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A Log that keeps its entries in memory (tests, the demo's summary table). */
export function memoryLog(): Log & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const add =
    (level: LogEntry['level']) =>
    (message: string, fields: LogFields = {}) => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

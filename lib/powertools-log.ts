/** The run's Log backed by Powertools Logger: JSON lines with the Lambda context. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from './env.js';
import type { Log, LogFields } from './log.js';

/** Powertools owns `message` (and would silently drop ours): keep a caller's under `detail`. */
function safeFields(fields: LogFields): Record<string, unknown> {
  if (!('message' in fields)) return { ...fields };
  const { message, ...rest } = fields;
  return { ...rest, detail: message };
}

export function powertoolsLog(logLevel: LogLevel): Log & { readonly logger: Logger } {
  const logger = new Logger({ serviceName: 'ges-offhours', logLevel });
  return {
    logger,
    debug: (message, fields = {}) => logger.debug(message, safeFields(fields)),
    info: (message, fields = {}) => logger.info(message, safeFields(fields)),
    warn: (message, fields = {}) => logger.warn(message, safeFields(fields)),
    error: (message, fields = {}) => logger.error(message, safeFields(fields)),
  };
}

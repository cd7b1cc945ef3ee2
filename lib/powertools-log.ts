/** The run's Log backed by Powertools Logger: JSON lines with the Lambda context. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from './env.js';
import type { Log } from './log.js';

export function powertoolsLog(logLevel: LogLevel): Log & { readonly logger: Logger } {
  const logger = new Logger({ serviceName: 'ges-offhours', logLevel });
  return {
    logger,
    debug: (message, fields = {}) => logger.debug(message, { ...fields }),
    info: (message, fields = {}) => logger.info(message, { ...fields }),
    warn: (message, fields = {}) => logger.warn(message, { ...fields }),
    error: (message, fields = {}) => logger.error(message, { ...fields }),
  };
}

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda Context for local runs: `timeoutMs` from now is when the platform would kill the run. */
export function lambdaContext(timeoutMs: number, now: () => number = Date.now): Context {
  const end = now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'ges-offhours-local-stopGraphs',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:ges-offhours-local-stopGraphs',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/ges-offhours-local-stopGraphs',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, end - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

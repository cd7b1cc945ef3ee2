// Cold-start probe: imports the bundled handler and runs one `plan` invocation (config loading and
// schedule evaluation, no API call), as the first invocation of a fresh Lambda container would.
const { handler } = await import(process.argv[2]);
await handler(
  { action: 'plan', at: '2026-03-02T21:00:00Z' },
  {
    awsRequestId: 'bench-plan',
    functionName: 'ges-offhours-bench-stopGraphs',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:ges-offhours-bench-stopGraphs',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/ges-offhours-bench-stopGraphs',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 300_000,
  },
);

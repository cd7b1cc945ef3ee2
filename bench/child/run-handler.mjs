// One scheduled run in a process of its own: imports the bundled handler (argv[2]), invokes it
// once as Lambda would, with a function timeout of argv[4] ms (default 300000, serverless.yml's),
// and writes what it measured to argv[3] as JSON. Peak RSS is this process's: Node, the bundle and
// the run, not the sandbox (in the parent).
import { writeFileSync } from 'node:fs';

const [bundle, out, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg ?? 300_000);
const start = performance.now();
const { handler } = await import(bundle);
const rssAfterLoad = process.memoryUsage.rss();
const context = {
  awsRequestId: 'bench-run',
  functionName: 'ges-offhours-bench-stopGraphs',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:ges-offhours-bench-stopGraphs',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/ges-offhours-bench-stopGraphs',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  // Lambda gives whole milliseconds.
  getRemainingTimeInMillis: () => Math.max(0, Math.floor(timeoutMs - (performance.now() - start))),
};
const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const invoked = performance.now();
let summary;
let error;
try {
  summary = await handler(event, context);
} catch (e) {
  error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
writeFileSync(
  out,
  JSON.stringify({
    runMs: performance.now() - invoked,
    counts: summary?.counts,
    requests: summary?.requests,
    error,
    rssAfterLoadBytes: rssAfterLoad,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
  }),
);

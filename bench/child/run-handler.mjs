// The 1,000-graph run in a process of its own: imports the bundled handler (argv[2]), invokes it
// once with a scheduled event as Lambda would, and writes what it measured to argv[3] as JSON.
// Peak RSS is this process's: Node, the bundle and the run, not the sandbox (in the parent).
import { writeFileSync } from 'node:fs';

const [bundle, out] = process.argv.slice(2);
const timeoutMs = 300_000;
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
  getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (performance.now() - start)),
};
const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const invoked = performance.now();
let summary;
let error;
try {
  summary = await handler(event, context);
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
writeFileSync(
  out,
  JSON.stringify({
    runMs: performance.now() - invoked,
    counts: summary?.counts,
    results: summary?.results.length,
    error,
    rssAfterLoadBytes: rssAfterLoad,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
  }),
);

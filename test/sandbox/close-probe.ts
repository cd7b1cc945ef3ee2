/**
 * Run by lifecycle.test.ts in a child process: starts a sandbox, leaves a hanging request, a
 * delayed one and an idle keep-alive connection, closes the sandbox and prints what happened.
 * If close() left any handle open (server, socket, timer), the process would not exit by itself.
 */
import { GesSandbox, makeGraphs, makeProjectId } from '../../sandbox/server.js';
import { TestClient, waitFor } from './test-client.js';

const account = { ak: 'PROBEAK', sk: 'probe-secret' };
const project = makeProjectId(0);
const [graph] = makeGraphs({ count: 1, statusMix: { '200': 1 } });
const sandbox = await GesSandbox.start({
  graphs: graph ? [graph] : [],
  accounts: [account],
  faults: [
    { kinds: ['stop'], effect: { type: 'hang' } },
    { kinds: ['list'], effect: { type: 'latency', ms: 60_000 } },
  ],
});
const client = new TestClient(sandbox.url, account);
const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    () => 'failed',
  );
const pending = [
  settle(client.call(`/v2/${project}/graphs/${graph?.id}/stop`, { timeoutMs: 60_000 })),
  settle(client.call(`/v2/${project}/graphs`, { timeoutMs: 60_000 })),
];
await client.call(`/v2/${project}/graphs/${graph?.id}`);
await waitFor(() => (sandbox.requests.length === 3 ? true : undefined));
await sandbox.close();
const outcomes = await Promise.all(pending);
await client.close();
const statuses = Object.fromEntries(sandbox.requests.map((r) => [r.kind, r.status]));
console.log(JSON.stringify({ outcomes, statuses }));

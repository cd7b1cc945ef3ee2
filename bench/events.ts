/**
 * Ad-hoc events at and over their bounds (lib/run/events.ts: at most 1,000 names of at most 128
 * characters): how long the refusal takes through `invoke` against the sandbox, how long its
 * error is (one CloudWatch log event holds 256 KB), and how many API requests it cost.
 */
import { makeUuid } from '../sandbox/server.js';
import { startWorld } from '../sandbox/world.js';

export interface EventCase {
  readonly name: string;
  readonly ms: number;
  readonly errorBytes: number;
  readonly requests: number;
}

const P = '0123456789abcdef0123456789abcdef';

export async function boundedEvents(): Promise<EventCase[]> {
  const names = Array.from({ length: 100 }, (_, i) => `graph-number-${i}`);
  const world = await startWorld({
    graphs: names.map((name) => ({ projectId: P, id: makeUuid(P, name), name, status: '200' })),
    schedules: { n: { timezone: 'UTC', stop: '0 20 * * *', start: '0 7 * * *' } },
    projects: [{ projectId: P, graphs: names.map((name) => ({ name, schedule: 'n' })) }],
  });
  const cases: [string, string[]][] = [
    ['one 160 KB name', ['x'.repeat(160_000)]],
    ['20,000 unknown names', Array.from({ length: 20_000 }, (_, i) => `unknown-graph-${i}`)],
    [
      '1,000 unknown names of 128 characters (the most allowed)',
      Array.from({ length: 1_000 }, (_, i) => String(i).padStart(128, 'u')),
    ],
  ];
  const measured: EventCase[] = [];
  try {
    for (const [name, graphs] of cases) {
      const before = world.sandbox.count();
      const began = performance.now();
      const { error } = await world.invoke({ action: 'stop', graphs, dryRun: true });
      const ms = performance.now() - began;
      const message = error instanceof Error ? error.message : String(error);
      measured.push({
        name,
        ms,
        errorBytes: Buffer.byteLength(message),
        requests: world.sandbox.count() - before,
      });
    }
  } finally {
    await world.close();
  }
  return measured;
}

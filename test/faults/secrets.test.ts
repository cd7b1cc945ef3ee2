/**
 * A fault the sandbox cannot make: Secrets Manager never answering. The run has to report within
 * its deadline all the same (docs/contracts.md §5); before the fix it waited for the secret forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretSource } from '../../lib/credentials.js';
import { GraphsFailedError } from '../../lib/errors.js';
import { failureOf, type InvokeOutput, invoke } from '../../lib/invoke.js';
import { memoryLog } from '../../lib/log.js';
import type { GraphResult, Summary } from '../../lib/run/types.js';
import { FAST_POLL, startWorld, TEST_AK, TEST_SK, type World } from '../../sandbox/world.js';
import { CONFIGURED, faultWorld, MONDAY_NIGHT, PROJECT_C } from './fixture.js';
import { handleCounts, handlesAfterClose } from './handles.js';

const REMAINING_MS = 800;

/** Resolves with what `work` gives, or with 'overran' once `ms` have passed (the timer is cleared). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'overran'> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<'overran'>((resolve) => {
    timer = setTimeout(() => resolve('overran'), ms);
  });
  try {
    return await Promise.race([work, overran]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a credentials secret that never answers', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('fails its project with DEADLINE_EXCEEDED and the run still reports within its deadline', async () => {
    const baseline = handleCounts();
    world = await startWorld(
      faultWorld({ settings: { requestTimeoutMs: 300 }, credentialsSecrets: { [PROJECT_C]: 'ges/hangs' } }),
    );
    const reads: string[] = [];
    const secrets: SecretSource = {
      getSecretString(id) {
        reads.push(id);
        return new Promise<string>(() => {}); // no timer, no socket: just never settles
      },
    };
    const started = Date.now();
    const summary: InvokeOutput | 'overran' = await within(
      invoke(
        { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
        {
          env: {
            configPath: world.configPath,
            credentialsSecret: undefined,
            envCredentials: { ak: TEST_AK, sk: TEST_SK },
            logLevel: 'DEBUG',
          },
          secrets,
          log: memoryLog(),
          remainingMs: REMAINING_MS,
          now: MONDAY_NIGHT,
          poll: FAST_POLL,
        },
      ),
      REMAINING_MS + 1_000,
    );
    const elapsed = Date.now() - started;

    expect(summary, 'the run was still waiting for the secret').not.toBe('overran');
    expect(elapsed).toBeLessThanOrEqual(REMAINING_MS);
    expect(reads).toEqual(['ges/hangs']);
    const results = (summary as Summary).results as GraphResult[];
    expect(results).toHaveLength(CONFIGURED);
    for (const r of results.filter((x) => x.projectId === PROJECT_C)) {
      expect(r).toMatchObject({ outcome: 'failed', errorCode: 'DEADLINE_EXCEEDED' });
      expect(r.message).toContain(`project ${PROJECT_C}`);
    }
    expect(world.sandbox.requests.filter((r) => r.projectId === PROJECT_C)).toEqual([]);
    // The other projects did not wait for C: they listed, stopped and reported as usual.
    const others = results.filter((x) => x.projectId !== PROJECT_C);
    expect(others.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(others.filter((r) => r.outcome === 'stopped').length).toBeGreaterThan(0);
    // The handler throws after logging such a summary, as for any failed graph.
    expect(failureOf(summary as Summary)).toBeInstanceOf(GraphsFailedError);

    await world.close();
    world = undefined;
    const after = await handlesAfterClose(baseline);
    expect(after.TCPSocketWrap).toBeLessThanOrEqual(baseline.TCPSocketWrap);
    expect(after.Timeout).toBeLessThanOrEqual(baseline.Timeout);
  });
});

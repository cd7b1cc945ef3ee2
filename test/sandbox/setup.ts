/** Shared fixture for the sandbox's own tests. */
import { onTestFinished } from 'vitest';
import {
  GesSandbox,
  makeGraphs,
  makeProjectId,
  type SandboxGraph,
  type SandboxOptions,
} from '../../sandbox/server.js';
import { TestClient } from './test-client.js';

export const P1 = makeProjectId(1);
export const P2 = makeProjectId(2);
export const EMPTY_PROJECT = makeProjectId(3);

export const ACCOUNT = { ak: 'TESTAK00000000000001', sk: 'test-secret-key' };
export const LIMITED = { ak: 'TESTAK00000000000002', sk: 'limited-secret-key', projectIds: [P1] };

/** P1: one graph per interesting state; P2: 25 generated graphs (graph-0001…graph-0025). */
export function testGraphs(): SandboxGraph[] {
  return [
    { projectId: P1, id: 'g-running', name: 'running', status: '200' },
    {
      projectId: P1,
      id: 'g-failing',
      name: 'failing',
      status: '200',
      stopJob: 'failed',
      failReason: 'disk full',
    },
    { projectId: P1, id: 'g-never', name: 'never', status: '200', stopJob: 'never' },
    { projectId: P1, id: 'g-stopped', name: 'stopped', status: '900' },
    { projectId: P1, id: 'g-stopping', name: 'stopping', status: '901' },
    { projectId: P1, id: 'g-importing', name: 'importing', status: '202' },
    { projectId: P1, id: 'g-faulty', name: 'faulty', status: '300' },
    ...makeGraphs({ count: 25, projectIds: [P2], seed: 7 }),
  ];
}

/** A sandbox and a client signed as ACCOUNT, both closed when the test ends. */
export async function setup(
  overrides: Partial<SandboxOptions> = {},
): Promise<{ sandbox: GesSandbox; client: TestClient }> {
  const sandbox = await GesSandbox.start({
    graphs: testGraphs(),
    accounts: [ACCOUNT, LIMITED],
    jobDurationMs: 20,
    ...overrides,
  });
  const client = new TestClient(sandbox.url, ACCOUNT);
  onTestFinished(async () => {
    await client.close();
    await sandbox.close();
  });
  return { sandbox, client };
}

/** The v1.0 and v2 paths of each call. */
export const paths = {
  v1: {
    list: (p: string, query = '') => `/v1.0/${p}/graphs${query ? `?${query}` : ''}`,
    get: (p: string, g: string) => `/v1.0/${p}/graphs/${g}`,
    stop: (p: string, g: string) => `/v1.0/${p}/graphs/${g}/action?action_id=stop`,
    start: (p: string, g: string) => `/v1.0/${p}/graphs/${g}/action?action_id=start`,
    job: (p: string, g: string, j: string) => `/v1.0/${p}/graphs/${g}/jobs/${j}/status`,
  },
  v2: {
    list: (p: string, query = '') => `/v2/${p}/graphs${query ? `?${query}` : ''}`,
    get: (p: string, g: string) => `/v2/${p}/graphs/${g}`,
    stop: (p: string, g: string) => `/v2/${p}/graphs/${g}/stop`,
    start: (p: string, g: string) => `/v2/${p}/graphs/${g}/start`,
    job: (p: string, g: string, j: string) => `/v2/${p}/graphs/${g}/jobs/${j}/status`,
  },
} as const;

/** Reads `{jobId}` (v1.0) or `{job_id}` (v2). */
export function jobIdOf(body: unknown): string {
  const b = body as { jobId?: string; job_id?: string };
  const id = b.jobId ?? b.job_id;
  if (typeof id !== 'string') throw new Error(`no job id in ${JSON.stringify(body)}`);
  return id;
}

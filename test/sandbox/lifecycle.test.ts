import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GesSandbox } from '../../sandbox/server.js';
import { ACCOUNT, P1 } from './setup.js';

const PROBE = fileURLToPath(new URL('./close-probe.ts', import.meta.url));

describe('GesSandbox: lifecycle', () => {
  it('listens on 127.0.0.1 on a free port', async () => {
    const sandbox = await GesSandbox.start({ graphs: [], accounts: [ACCOUNT] });
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await sandbox.close();
      await sandbox.close(); // a second close is harmless
    }
  });

  it('refuses two graphs with the same project and id, before listening', async () => {
    const graph = { projectId: P1, id: 'g', name: 'g', status: '200' };
    await expect(GesSandbox.start({ graphs: [graph, graph], accounts: [] })).rejects.toThrow(
      /duplicate graph/,
    );
  });

  it('close() ends hanging and delayed requests and leaves nothing that keeps the process alive', async () => {
    // A child process exits by itself only when no server, socket or timer is left open; the probe
    // leaves a 60 s delay and a hang pending, so a leak would hit the 10 s limit here.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', PROBE], {
      timeout: 10_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      outcomes: ['failed', 'failed'],
      statuses: { stop: 'hang', list: 'pending', get: 200 },
    });
  });
});

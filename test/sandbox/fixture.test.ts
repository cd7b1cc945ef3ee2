import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFixture, parseFixture } from '../../sandbox/fixture.js';

const DEMO = fileURLToPath(new URL('../../sandbox/fixtures/demo.yaml', import.meta.url));
const PROJECT = '0123456789abcdef0123456789abcdef';

describe('sandbox fixtures', () => {
  it('loads the demo fixture: two projects, a mix of statuses, all as strings', async () => {
    const fixture = await loadFixture(DEMO);
    expect(new Set(fixture.graphs.map((g) => g.projectId)).size).toBe(2);
    expect(fixture.graphs.length).toBeGreaterThanOrEqual(10);
    expect(new Set(fixture.graphs.map((g) => g.status))).toEqual(
      new Set(['200', '900', '901', '920', '202', '903', '300', '800']),
    );
    expect(fixture.graphs.every((g) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(g.id))).toBe(true);
    expect(fixture.accounts[0]).toEqual({ ak: expect.any(String), sk: expect.any(String) });
  });

  it.each([
    {
      format: 'YAML with numeric statuses',
      text: `accounts: [{ak: A, sk: S}]\ngraphs:\n  - {projectId: '${PROJECT}', id: g, name: n, status: 200}\n`,
    },
    {
      format: 'JSON',
      text: JSON.stringify({
        accounts: [{ ak: 'A', sk: 'S' }],
        graphs: [{ projectId: PROJECT, id: 'g', name: 'n', status: '200' }],
      }),
    },
  ])('reads $format', ({ text }) => {
    expect(parseFixture(text, 'f')).toEqual({
      accounts: [{ ak: 'A', sk: 'S' }],
      graphs: [{ projectId: PROJECT, id: 'g', name: 'n', status: '200' }],
    });
  });

  it('reads faults and options', () => {
    const text = `accounts: [{ak: A, sk: S}]\ngraphs: []\njobDurationMs: 5\nseed: 3\nfaults:\n  - {kinds: [stop], rate: 0.5, effect: {type: status, status: 429, retryAfter: 1}}\n`;
    expect(parseFixture(text, 'f')).toMatchObject({
      jobDurationMs: 5,
      seed: 3,
      faults: [{ kinds: ['stop'], rate: 0.5, effect: { type: 'status', status: 429, retryAfter: '1' } }],
    });
  });

  it('reads the bad-night settings: acted-status faults, start jobs, read lag', () => {
    const text = [
      'accounts: [{ak: A, sk: S}]',
      'graphs:',
      `  - {projectId: '${PROJECT}', id: g, name: n, status: 900, startJob: failed, startFailReason: quota, readLagMs: 10}`,
      'startJobDurationMs: 120000',
      'readLagMs: 3000',
      'faults:',
      '  - {kinds: [stop, jobs], graphIds: [g], effect: {type: acted-status, status: 503, gesCode: GES.7005}}',
    ].join('\n');
    expect(parseFixture(text, 'f')).toMatchObject({
      graphs: [{ startJob: 'failed', startFailReason: 'quota', readLagMs: 10 }],
      startJobDurationMs: 120_000,
      readLagMs: 3000,
      faults: [
        {
          kinds: ['stop', 'jobs'],
          graphIds: ['g'],
          effect: { type: 'acted-status', status: 503, gesCode: 'GES.7005' },
        },
      ],
    });
  });

  it.each([
    {
      problem: 'a start job outcome it does not know',
      text: `accounts: [{ak: A, sk: S}]\ngraphs: [{projectId: '${PROJECT}', id: g, name: n, status: 900, startJob: maybe}]`,
      message: /graphs\.0\.startJob/,
    },
    {
      problem: 'a negative read lag',
      text: 'accounts: [{ak: A, sk: S}]\ngraphs: []\nreadLagMs: -1',
      message: /readLagMs/,
    },
    {
      problem: 'an acted-status without a status',
      text: 'accounts: [{ak: A, sk: S}]\ngraphs: []\nfaults: [{effect: {type: acted-status}}]',
      message: /faults\.0\.effect\.status/,
    },
    { problem: 'no accounts', text: 'accounts: []\ngraphs: []', message: /accounts: at least one account/ },
    {
      problem: 'a short project id',
      text: 'accounts: [{ak: A, sk: S}]\ngraphs: [{projectId: abc, id: g, name: n, status: "200"}]',
      message: /graphs\.0\.projectId: a project id is 32/,
    },
    { problem: 'an unknown key', text: 'accounts: [{ak: A, sk: S}]\ngraphs: []\njobs: 3', message: /jobs/ },
    {
      problem: 'an unknown fault effect',
      text: 'accounts: [{ak: A, sk: S}]\ngraphs: []\nfaults: [{effect: {type: explode}}]',
      message: /faults\.0\.effect\.type/,
    },
    { problem: 'broken YAML', text: 'accounts: [', message: /not valid YAML or JSON/ },
  ])('refuses $problem, naming the file and the place', ({ text, message }) => {
    expect(() => parseFixture(text, 'fixture.yaml')).toThrow(message);
    expect(() => parseFixture(text, 'fixture.yaml')).toThrow(/^fixture\.yaml: /);
  });
});

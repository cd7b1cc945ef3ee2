import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { loadConfig, parseConfig } from '../../lib/schedule/config.js';
import { isSkipped } from '../../lib/schedule/offhours.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const EXAMPLE = fileURLToPath(new URL('../../config/schedule.example.yaml', import.meta.url));
const DEPLOYED = fileURLToPath(new URL('../../config/schedule.yaml', import.meta.url));

const MINIMAL = `
schedules:
  office-hours:
    timezone: Europe/Berlin
    stop: "0 20 * * 1-5"
    start: "0 7 * * 1-5"
projects:
  - projectId: 0123456789abcdef0123456789abcdef
    region: cn-north-4
    graphs:
      - id: 11111111-2222-3333-4444-555555555555
        schedule: office-hours
`;

function withGraph(extra: string): string {
  return `${MINIMAL}        ${extra}\n`;
}

describe('Function: parseConfig', () => {
  it('fills in the defaults', () => {
    const { config, warnings } = parseConfig(MINIMAL, 'schedule.yaml', NOW);
    expect(warnings).toEqual([]);
    expect(config.settings).toEqual({ concurrency: 8, requestTimeoutMs: 10_000, verifyJobs: true });
    expect(config.schedules['office-hours']).toEqual({
      name: 'office-hours',
      timezone: 'Europe/Berlin',
      stop: '0 20 * * 1-5',
      start: '0 7 * * 1-5',
      holidays: [],
      startGraphs: false,
    });
    const [project] = config.projects;
    expect(project).toEqual({
      projectId: '0123456789abcdef0123456789abcdef',
      region: 'cn-north-4',
      endpoint: 'https://ges.cn-north-4.myhuaweicloud.com',
      apiVersion: 'v1',
      graphs: [
        {
          id: '11111111-2222-3333-4444-555555555555',
          schedule: 'office-hours',
          startGraphs: false,
          path: 'projects[0].graphs[0]',
        },
      ],
    });
    expect(project && 'credentialsSecret' in project).toBe(false);
    expect(project && 'scheduleTag' in project).toBe(false);
    expect(config.pricing).toEqual({ currency: 'USD', hourly: new Map() });
    expect('maxRequestsPerSecond' in config.settings).toBe(false);
  });

  it('returns a deeply frozen config', () => {
    const { config } = parseConfig(MINIMAL, 'schedule.yaml', NOW);
    for (const part of [
      config,
      config.settings,
      config.schedules,
      config.schedules['office-hours'],
      config.schedules['office-hours']?.holidays,
      config.projects,
      config.projects[0],
      config.projects[0]?.graphs,
      config.projects[0]?.graphs[0],
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config.settings as { concurrency: number }).concurrency = 1;
    }).toThrow(TypeError);
  });

  it('merges partial settings with the defaults, and accepts empty sections', () => {
    const text = `${MINIMAL}settings:\n  concurrency: 2\n`;
    expect(parseConfig(text, 'f', NOW).config.settings).toEqual({
      concurrency: 2,
      requestTimeoutMs: 10_000,
      verifyJobs: true,
    });
    const empty = MINIMAL.replace(
      'start: "0 7 * * 1-5"',
      'start: "0 7 * * 1-5"\n    holidays:\n      # none yet',
    );
    expect(parseConfig(`${empty}settings:\n`, 'f', NOW).config.settings.verifyJobs).toBe(true);
  });

  it('reads holidays as single dates and yearly days', () => {
    const text = MINIMAL.replace(
      'start: "0 7 * * 1-5"',
      'start: "0 7 * * 1-5"\n    holidays: [2026-12-24, "12-25", "02-29", 2028-02-29]',
    );
    expect(parseConfig(text, 'f', NOW).config.schedules['office-hours']?.holidays).toEqual([
      { kind: 'date', year: 2026, month: 12, day: 24 },
      { kind: 'yearly', month: 12, day: 25 },
      { kind: 'yearly', month: 2, day: 29 },
      { kind: 'date', year: 2028, month: 2, day: 29 },
    ]);
  });

  it.each([
    { text: '2026-12-01T00:00:00Z', expected: '2026-12-01T00:00:00.000Z' },
    { text: '"2026-12-01T01:00:00+01:00"', expected: '2026-12-01T00:00:00.000Z' },
    { text: '2026-12-01 08:00:00+0800', expected: '2026-12-01T00:00:00.000Z' },
    { text: '2026-11-30T19:30:00-04:30', expected: '2026-12-01T00:00:00.000Z' },
    { text: '2026-12-01T00:00:00.250z', expected: '2026-12-01T00:00:00.250Z' },
    { text: '2026-12-01T00:00Z', expected: '2026-12-01T00:00:00.000Z' },
  ])('reads skipUntil $text as $expected', ({ text, expected }) => {
    const graph = parseConfig(withGraph(`skipUntil: ${text}`), 'f', NOW).config.projects[0]?.graphs[0];
    expect(graph?.skipUntil?.toISOString()).toBe(expected);
    expect(graph && isSkipped(graph, new Date(Date.parse(expected) - 1))).toBe(true);
    expect(graph && isSkipped(graph, new Date(expected))).toBe(false);
  });

  it('reads YAML 1.1 timestamps (which YAML turns into dates) from what was written', () => {
    const v11 = `%YAML 1.1\n---\n${withGraph('skipUntil: 2026-12-01T00:00:00+01:00')}`;
    expect(parseConfig(v11, 'f', NOW).config.projects[0]?.graphs[0]?.skipUntil?.toISOString()).toBe(
      '2026-11-30T23:00:00.000Z',
    );
    // YAML 1.1 would read a timestamp without a zone as UTC; the loader insists on a zone.
    const noZone = `%YAML 1.1\n---\n${withGraph('skipUntil: 2026-12-01 00:00:00')}`;
    expect(() => parseConfig(noZone, 'f', NOW)).toThrow(/has no time zone/);
  });

  it('accepts JSON (which is YAML), with a $schema key for editors', () => {
    const json = JSON.stringify({
      $schema: './schedule.schema.json',
      schedules: {
        night: { timezone: 'Asia/Shanghai', stop: '0 22 * * *', start: '0 6 * * *', holidays: ['10-01'] },
      },
      projects: [
        {
          projectId: 'fedcba9876543210fedcba9876543210',
          region: 'eu-west-101',
          apiVersion: 'v2',
          credentialsSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ges/eu-AbCdEf',
          graphs: [
            { name: 'fraud-detection', id: 'abc-123', schedule: 'night', skipUntil: '2026-12-01T00:00:00Z' },
          ],
        },
      ],
      settings: { concurrency: 4, requestTimeoutMs: 5000, verifyJobs: false },
    });
    const { config } = parseConfig(json, 'schedule.json', NOW);
    expect(config.projects[0]).toMatchObject({
      endpoint: 'https://ges.eu-west-101.myhuaweicloud.eu',
      apiVersion: 'v2',
      credentialsSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ges/eu-AbCdEf',
      graphs: [{ id: 'abc-123', name: 'fraud-detection', schedule: 'night' }],
    });
    expect(config.settings).toEqual({ concurrency: 4, requestTimeoutMs: 5000, verifyJobs: false });
  });

  it.each([
    { endpoint: 'http://127.0.0.1:8900/', expected: 'http://127.0.0.1:8900' },
    { endpoint: 'http://localhost:8900', expected: 'http://localhost:8900' },
    { endpoint: 'http://[::1]:8900', expected: 'http://[::1]:8900' },
    {
      endpoint: 'https://ges.cn-north-4.myhuaweicloud.com/',
      expected: 'https://ges.cn-north-4.myhuaweicloud.com',
    },
  ])('keeps endpoint $endpoint as $expected', ({ endpoint, expected }) => {
    const text = MINIMAL.replace('region: cn-north-4', `region: cn-north-4\n    endpoint: ${endpoint}`);
    expect(parseConfig(text, 'f', NOW).config.projects[0]?.endpoint).toBe(expected);
  });

  it('has null-prototype schedules, so inherited names never resolve', () => {
    const { config } = parseConfig(MINIMAL, 'f', NOW);
    expect(config.schedules.constructor).toBeUndefined();
  });
});

describe('Function: loadConfig', () => {
  it('loads the example config without problems or warnings', async () => {
    const { config, warnings } = await loadConfig(EXAMPLE, new Date('2026-11-20T00:00:00Z'));
    expect(warnings).toEqual([]);
    expect(Object.keys(config.schedules)).toEqual([
      'office-hours',
      'weekend',
      'nightly-shanghai',
      'nightly-new-york',
    ]);
    expect(config.projects.map((p) => [p.projectId, p.apiVersion, p.endpoint])).toEqual([
      ['0123456789abcdef0123456789abcdef', 'v1', 'https://ges.eu-west-101.myhuaweicloud.eu'],
      ['fedcba9876543210fedcba9876543210', 'v2', 'https://ges.cn-north-4.myhuaweicloud.com'],
    ]);
    const graphs = config.projects.flatMap((p) => p.graphs);
    expect(graphs.some((g) => g.id !== undefined && g.name === undefined)).toBe(true);
    expect(graphs.some((g) => g.name !== undefined && g.id === undefined)).toBe(true);
    expect(graphs.find((g) => g.skipUntil)?.skipUntil?.toISOString()).toBe('2099-12-01T07:00:00.000Z');
  });

  it('loads the deployed placeholder config', async () => {
    await expect(loadConfig(DEPLOYED, NOW)).resolves.toMatchObject({ warnings: [] });
  });

  it('names a missing file', async () => {
    const error = await loadConfig('/nonexistent/schedule.yaml', NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe('/nonexistent/schedule.yaml');
    expect((error as ConfigError).message).toMatch(
      /^\/nonexistent\/schedule.yaml: 1 problem in the config\n {2}- file not found/,
    );
  });

  it('names a file it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'schedule-'));
    await expect(loadConfig(dir, NOW)).rejects.toThrow(/cannot read the file \(EISDIR\)/);
  });

  it('reads a file with a byte-order mark', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'schedule-')), 'schedule.yaml');
    await writeFile(file, `\uFEFF${MINIMAL}`);
    await expect(loadConfig(file, NOW)).resolves.toBeDefined();
  });
});

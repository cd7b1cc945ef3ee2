/**
 * Keys read now for features built on them later: maxRequestsPerSecond, startGraphs,
 * scheduleTag, hourlyPrice and pricing. Parsed, defaulted and refused when malformed.
 */

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../lib/schedule/config.js';
import { issuesOf } from './support.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const PROJECT = '0123456789abcdef0123456789abcdef';

interface Doc {
  schedules: Record<string, Record<string, unknown>>;
  projects: Record<string, unknown>[];
  [key: string]: unknown;
}

/** A config with two schedules and two graphs, changed by `change`. */
function doc(change: (d: Doc) => void = () => {}): string {
  const d: Doc = {
    schedules: {
      nights: { timezone: 'Europe/Berlin', stop: '0 20 * * *', start: '0 7 * * *' },
      weekend: { timezone: 'Europe/Berlin', stop: '0 20 * * 5', start: '0 6 * * 1', startGraphs: true },
    },
    projects: [
      {
        projectId: PROJECT,
        region: 'cn-north-4',
        graphs: [
          { id: 'g-1', schedule: 'nights' },
          { id: 'g-2', schedule: 'weekend' },
        ],
      },
    ],
  };
  change(d);
  return stringify(d);
}

const project = (d: Doc) => d.projects[0] as Record<string, unknown>;
const graphs = (d: Doc) => project(d).graphs as Record<string, unknown>[];

describe('Config additions: what a valid config gives', () => {
  it('resolves startGraphs per graph: the entry, else its schedule, else false', () => {
    const text = doc((d) => {
      graphs(d).push({ id: 'g-3', schedule: 'weekend', startGraphs: false });
      graphs(d).push({ id: 'g-4', schedule: 'nights', startGraphs: true });
    });
    const { config } = parseConfig(text, 'f', NOW);
    expect(config.schedules.nights?.startGraphs).toBe(false);
    expect(config.schedules.weekend?.startGraphs).toBe(true);
    expect(config.projects[0]?.graphs.map((g) => [g.id, g.startGraphs])).toEqual([
      ['g-1', false],
      ['g-2', true],
      ['g-3', false],
      ['g-4', true],
    ]);
  });

  it('reads maxRequestsPerSecond, hourlyPrice and pricing', () => {
    const text = doc((d) => {
      d.settings = { maxRequestsPerSecond: 2.5 };
      d.pricing = { currency: 'EUR', hourly: { 1: 1.25, '4': 12, 401: 0 } };
      graphs(d)[0]!.hourlyPrice = 3.5;
    });
    const { config } = parseConfig(text, 'f', NOW);
    expect(config.settings).toEqual({
      concurrency: 8,
      requestTimeoutMs: 10_000,
      verifyJobs: true,
      maxRequestsPerSecond: 2.5,
    });
    expect(config.pricing.currency).toBe('EUR');
    expect([...config.pricing.hourly]).toEqual([
      ['1', 1.25],
      ['4', 12],
      ['401', 0],
    ]);
    expect(config.projects[0]?.graphs.map((g) => g.hourlyPrice)).toEqual([3.5, undefined]);
    expect(Object.isFrozen(config.pricing)).toBe(true);
  });

  it('defaults pricing to USD with no prices', () => {
    const { config } = parseConfig(
      doc((d) => {
        d.pricing = { hourly: { 1: 1 } };
      }),
      'f',
      NOW,
    );
    expect(config.pricing.currency).toBe('USD');
  });

  it.each([
    { name: 'no graphs key', change: (d: Doc) => delete project(d).graphs },
    { name: 'an empty graphs list', change: (d: Doc) => Object.assign(project(d), { graphs: [] }) },
    { name: 'graphs listed too', change: () => {} },
  ])('with scheduleTag, a project may have $name', ({ change }) => {
    const text = doc((d) => {
      project(d).scheduleTag = 'offhours';
      change(d);
    });
    const loaded = parseConfig(text, 'f', NOW).config.projects[0];
    expect(loaded?.scheduleTag).toBe('offhours');
    expect(Array.isArray(loaded?.graphs)).toBe(true);
  });

  it.each([
    'offhours',
    'cost-center.schedule',
    'team:ops',
    'a',
    'Zeitplan',
    '日程',
    'k'.repeat(128),
    'off hours',
  ])('accepts the tag key %j', (key) => {
    const text = doc((d) => {
      project(d).scheduleTag = key;
    });
    expect(parseConfig(text, 'f', NOW).config.projects[0]?.scheduleTag).toBe(key);
  });
});

describe('Config additions: what is refused, with its path and the fix', () => {
  it.each<{ name: string; change: (d: Doc) => void; path: string; words: RegExp }>([
    {
      name: 'maxRequestsPerSecond 0',
      change: (d) => Object.assign(d, { settings: { maxRequestsPerSecond: 0 } }),
      path: 'settings.maxRequestsPerSecond',
      words: /must be a number greater than 0, got the number 0/,
    },
    {
      name: 'maxRequestsPerSecond negative',
      change: (d) => Object.assign(d, { settings: { maxRequestsPerSecond: -1 } }),
      path: 'settings.maxRequestsPerSecond',
      words: /greater than 0/,
    },
    {
      name: 'maxRequestsPerSecond infinite',
      change: (d) => Object.assign(d, { settings: { maxRequestsPerSecond: Number.POSITIVE_INFINITY } }),
      path: 'settings.maxRequestsPerSecond',
      words: /must be a number greater than 0, got the number Infinity/,
    },
    {
      name: 'maxRequestsPerSecond as text',
      change: (d) => Object.assign(d, { settings: { maxRequestsPerSecond: '10' } }),
      path: 'settings.maxRequestsPerSecond',
      words: /must be a number, got "10"/,
    },
    {
      name: 'schedule startGraphs yes',
      change: (d) => Object.assign(d.schedules.nights!, { startGraphs: 'yes' }),
      path: 'schedules.nights.startGraphs',
      words: /must be true or false, got "yes"/,
    },
    {
      name: 'graph startGraphs 1',
      change: (d) => Object.assign(graphs(d)[0]!, { startGraphs: 1 }),
      path: 'projects[0].graphs[0].startGraphs',
      words: /must be true or false, got the number 1/,
    },
    {
      name: 'a project without graphs or scheduleTag',
      change: (d) => delete project(d).graphs,
      path: 'projects[0].graphs',
      words: /is required: the list of graphs .*or set scheduleTag/,
    },
    {
      name: 'an empty graph list without scheduleTag',
      change: (d) => Object.assign(project(d), { graphs: [] }),
      path: 'projects[0].graphs',
      words: /lists no graphs: add at least one, or set scheduleTag/,
    },
    {
      name: 'scheduleTag empty',
      change: (d) => Object.assign(project(d), { scheduleTag: '' }),
      path: 'projects[0].scheduleTag',
      words: /"" is not a tag key: tag keys are 1-128 letters, digits, spaces and/,
    },
    {
      name: 'scheduleTag too long',
      change: (d) => Object.assign(project(d), { scheduleTag: 'k'.repeat(129) }),
      path: 'projects[0].scheduleTag',
      words: /is not a tag key: tag keys are 1-128/,
    },
    {
      name: 'scheduleTag with a slash',
      change: (d) => Object.assign(project(d), { scheduleTag: 'team/offhours' }),
      path: 'projects[0].scheduleTag',
      words: /"team\/offhours" is not a tag key/,
    },
    {
      name: 'scheduleTag with a space at the end',
      change: (d) => Object.assign(project(d), { scheduleTag: 'offhours ' }),
      path: 'projects[0].scheduleTag',
      words: /cannot start or end with a space/,
    },
    {
      name: 'scheduleTag of the system',
      change: (d) => Object.assign(project(d), { scheduleTag: '_sys_offhours' }),
      path: 'projects[0].scheduleTag',
      words: /keys starting with _sys_ are reserved/,
    },
    {
      name: 'scheduleTag a number',
      change: (d) => Object.assign(project(d), { scheduleTag: 5 }),
      path: 'projects[0].scheduleTag',
      words: /must be text, got the number 5/,
    },
    {
      name: 'hourlyPrice negative',
      change: (d) => Object.assign(graphs(d)[0]!, { hourlyPrice: -0.5 }),
      path: 'projects[0].graphs[0].hourlyPrice',
      words: /must be a number of 0 or more, got the number -0.5/,
    },
    {
      name: 'hourlyPrice as text',
      change: (d) => Object.assign(graphs(d)[0]!, { hourlyPrice: '1.25 USD' }),
      path: 'projects[0].graphs[0].hourlyPrice',
      words: /must be a number, got "1.25 USD"/,
    },
    {
      name: 'currency in lower case',
      change: (d) => Object.assign(d, { pricing: { currency: 'eur' } }),
      path: 'pricing.currency',
      words: /"eur" is not a currency code: use the 3-letter ISO 4217 code, write "EUR"/,
    },
    {
      name: 'currency as a symbol',
      change: (d) => Object.assign(d, { pricing: { currency: '$' } }),
      path: 'pricing.currency',
      words: /"\$" is not a currency code: .* such as USD, EUR or CNY/,
    },
    {
      name: 'currency unknown',
      change: (d) => Object.assign(d, { pricing: { currency: 'XYZ' } }),
      path: 'pricing.currency',
      words: /"XYZ" is not a known ISO 4217 currency code/,
    },
    {
      name: 'a size index by name',
      change: (d) => Object.assign(d, { pricing: { hourly: { 'million-edge': 1.25 } } }),
      path: 'pricing.hourly.million-edge',
      words: /"million-edge" is not a GES graph size index: use the graphSizeTypeIndex number/,
    },
    {
      name: 'a size index constructor',
      change: (d) => Object.assign(d, { pricing: { hourly: JSON.parse('{"constructor": 1}') } }),
      path: 'pricing.hourly.constructor',
      words: /"constructor" is not a GES graph size index/,
    },
    {
      name: 'a size index __proto__',
      change: (d) => Object.assign(d, { pricing: { hourly: JSON.parse('{"__proto__": 1}') } }),
      path: 'pricing.hourly.__proto__',
      words: /"__proto__" is not a GES graph size index/,
    },
    {
      name: 'a size index with a leading zero',
      change: (d) => Object.assign(d, { pricing: { hourly: { '01': 1 } } }),
      path: 'pricing.hourly["01"]',
      words: /"01" is not a GES graph size index/,
    },
    {
      name: 'a negative price',
      change: (d) => Object.assign(d, { pricing: { hourly: { 1: -1 } } }),
      path: 'pricing.hourly["1"]',
      words: /must be a number of 0 or more, got the number -1/,
    },
    {
      name: 'an unknown pricing key',
      change: (d) => Object.assign(d, { pricing: { currencey: 'USD' } }),
      path: 'pricing.currencey',
      words: /unknown key "currencey": did you mean "currency"\?/,
    },
  ])('$name → $path', ({ change, path, words }) => {
    const issues = issuesOf(doc(change));
    const found = issues.filter((i) => i.path === path);
    expect(found.map((i) => i.message).join('\n'), JSON.stringify(issues, null, 1)).toMatch(words);
    expect(found[0]?.line, 'located in the file').toBeGreaterThan(0);
  });
});

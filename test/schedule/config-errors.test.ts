/** Bad configs: every problem is reported with its path and words a user understands. */

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../lib/errors.js';
import { parseConfig } from '../../lib/schedule/config.js';
import { issuesOf } from './support.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const BASE = {
  schedules: { 'office-hours': { timezone: 'Europe/Berlin', stop: '0 20 * * 1-5', start: '0 7 * * 1-5' } },
  projects: [
    {
      projectId: '0123456789abcdef0123456789abcdef',
      region: 'cn-north-4',
      graphs: [
        { id: '11111111-2222-3333-4444-555555555555', schedule: 'office-hours' },
        { name: 'fraud-detection', schedule: 'office-hours' },
      ],
    },
  ],
};

type Key = string | number;
type Container = Record<Key, unknown>;

/** BASE with `value` at `path` (undefined deletes the key). */
function edit(...edits: [path: Key[], value: unknown][]): unknown {
  const root = structuredClone(BASE) as unknown as Container;
  for (const [path, value] of edits) {
    let node = root;
    for (const key of path.slice(0, -1)) node = node[key] as Container;
    const last = path.at(-1) as Key;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return root;
}

const graph = (i: number, ...rest: Key[]): Key[] => ['projects', 0, 'graphs', i, ...rest];
const office = (...rest: Key[]): Key[] => ['schedules', 'office-hours', ...rest];

describe('Function: parseConfig, bad configs', () => {
  it('accepts the base config', () => {
    expect(() => parseConfig(stringify(BASE), 'schedule.yaml', NOW)).not.toThrow();
  });

  it.each<{ name: string; config: unknown; path: string; words: RegExp }>([
    {
      name: 'top level is a list',
      config: [1, 2],
      path: '',
      words: /must be a mapping \(key: value lines\), got a list/,
    },
    {
      name: 'unknown top-level key',
      config: edit([['project'], []]),
      path: 'project',
      words: /unknown key "project": did you mean "projects"\?/,
    },
    {
      name: 'no schedules',
      config: edit([['schedules'], undefined]),
      path: 'schedules',
      words: /is required: the named schedules/,
    },
    {
      name: 'empty schedules',
      config: edit([['schedules'], {}]),
      path: 'schedules',
      words: /defines no schedules/,
    },
    {
      name: 'schedule name with a space',
      config: edit([['schedules', 'office hours'], BASE.schedules['office-hours']]),
      path: 'schedules["office hours"]',
      words: /"office hours" is not a usable schedule name/,
    },
    {
      name: 'timezone missing',
      config: edit([office('timezone'), undefined]),
      path: 'schedules.office-hours.timezone',
      words: /is required: the IANA time zone/,
    },
    {
      name: 'timezone misspelt',
      config: edit([office('timezone'), 'Europe/Berln']),
      path: 'schedules.office-hours.timezone',
      words: /"Europe\/Berln" is not a known IANA time zone/,
    },
    {
      name: 'timezone key misspelt',
      config: edit([office('timeZone'), 'Europe/Berlin']),
      path: 'schedules.office-hours.timeZone',
      words: /unknown key "timeZone": did you mean "timezone"\?/,
    },
    {
      name: 'timezone as an offset',
      config: edit([office('timezone'), '+01:00']),
      path: 'schedules.office-hours.timezone',
      words: /"\+01:00" is a UTC offset, not a time zone/,
    },
    {
      name: 'AWS-style cron',
      config: edit([office('stop'), '0 19 ? * MON-FRI *']),
      path: 'schedules.office-hours.stop',
      words: /AWS\/Quartz style is not supported, use the 5-field form "0 19 \* \* 1-5"/,
    },
    {
      name: 'cron with 4 fields',
      config: edit([office('stop'), '0 20 * *']),
      path: 'schedules.office-hours.stop',
      words: /"0 20 \* \*" has 4 fields, expected 5 fields/,
    },
    {
      name: 'cron hour out of range',
      config: edit([office('start'), '0 25 * * 1-5']),
      path: 'schedules.office-hours.start',
      words: /hour "25": 25 is outside 0-23/,
    },
    {
      name: 'start missing',
      config: edit([office('start'), undefined]),
      path: 'schedules.office-hours.start',
      words: /is required: the 5-field cron at which off-hours end/,
    },
    {
      name: 'start equals stop',
      config: edit([office('start'), '0  20 * * 1-5']),
      path: 'schedules.office-hours.start',
      words: /means the same instants as stop .* never be in off-hours/,
    },
    {
      name: 'holidays not a list',
      config: edit([office('holidays'), '12-25']),
      path: 'schedules.office-hours.holidays',
      words: /must be a list \(items starting with "- "\), got "12-25"/,
    },
    {
      name: 'holiday 2026-02-30',
      config: edit([office('holidays'), ['2026-02-30']]),
      path: 'schedules.office-hours.holidays[0]',
      words: /"2026-02-30" is not a real date/,
    },
    {
      name: 'holiday 02-30',
      config: edit([office('holidays'), ['12-24', '02-30']]),
      path: 'schedules.office-hours.holidays[1]',
      words: /"02-30" is not a day of the year \(MM-DD\)/,
    },
    {
      name: 'holiday 2025-02-29',
      config: edit([office('holidays'), ['2025-02-29']]),
      path: 'schedules.office-hours.holidays[0]',
      words: /"2025-02-29" is not a real date/,
    },
    {
      name: 'holiday 12/25',
      config: edit([office('holidays'), ['12/25']]),
      path: 'schedules.office-hours.holidays[0]',
      words: /"12\/25" is not a holiday: write a date as YYYY-MM-DD/,
    },
    {
      name: 'holiday as a number',
      config: edit([office('holidays'), [1225]]),
      path: 'schedules.office-hours.holidays[0]',
      words: /must be text, got the number 1225 \(YAML reads unquoted numbers/,
    },
    {
      name: 'project id too short',
      config: edit([['projects', 0, 'projectId'], '0123']),
      path: 'projects[0].projectId',
      words: /"0123" is not a project id: expected 32 lowercase hex characters/,
    },
    {
      name: 'project id in capitals',
      config: edit([['projects', 0, 'projectId'], '0123456789ABCDEF0123456789ABCDEF']),
      path: 'projects[0].projectId',
      words: /expected 32 lowercase hex/,
    },
    {
      name: 'project id with a slash',
      config: edit([['projects', 0, 'projectId'], '0123/../x']),
      path: 'projects[0].projectId',
      words: /contains "\/", which would change the request URL path/,
    },
    {
      name: 'project id read as a number',
      config: edit([['projects', 0, 'projectId'], 1234]),
      path: 'projects[0].projectId',
      words: /must be text, got the number 1234 .*put the value in quotes/,
    },
    {
      name: 'same project twice',
      config: edit([
        ['projects', 1],
        { ...BASE.projects[0], graphs: [{ id: 'abc', schedule: 'office-hours' }] },
      ]),
      path: 'projects[1].projectId',
      words: /project 0123456789abcdef0123456789abcdef is listed twice \(also projects\[0\]\)/,
    },
    {
      name: 'region malformed',
      config: edit([['projects', 0, 'region'], 'eu-west']),
      path: 'projects[0].region',
      words: /"eu-west" is not a region name/,
    },
    {
      name: 'region missing',
      config: edit([['projects', 0, 'region'], undefined]),
      path: 'projects[0].region',
      words: /is required: the region/,
    },
    {
      name: 'endpoint over plain http',
      config: edit([['projects', 0, 'endpoint'], 'http://ges.example.com']),
      path: 'projects[0].endpoint',
      words:
        /"http:\/\/ges.example.com" must use https: \(plain http: is allowed only for 127.0.0.1, localhost and ::1\)/,
    },
    {
      name: 'endpoint with a path',
      config: edit([['projects', 0, 'endpoint'], 'https://ges.example.com/v1']),
      path: 'projects[0].endpoint',
      words: /must not have a path/,
    },
    {
      name: 'endpoint not a URL',
      config: edit([['projects', 0, 'endpoint'], 'ges.example.com']),
      path: 'projects[0].endpoint',
      words: /"ges.example.com" is not a URL/,
    },
    {
      name: 'endpoint ftp',
      config: edit([['projects', 0, 'endpoint'], 'ftp://ges.example.com']),
      path: 'projects[0].endpoint',
      words: /must use https:, not ftp:/,
    },
    {
      name: 'apiVersion v3',
      config: edit([['projects', 0, 'apiVersion'], 'v3']),
      path: 'projects[0].apiVersion',
      words: /must be v1 or v2, got "v3"/,
    },
    {
      name: 'credentialsSecret empty',
      config: edit([['projects', 0, 'credentialsSecret'], '']),
      path: 'projects[0].credentialsSecret',
      words: /"" is not a Secrets Manager secret name or ARN/,
    },
    {
      name: 'graphs missing',
      config: edit([['projects', 0, 'graphs'], undefined]),
      path: 'projects[0].graphs',
      words: /is required: the list of graphs/,
    },
    {
      name: 'graphs empty',
      config: edit([['projects', 0, 'graphs'], []]),
      path: 'projects[0].graphs',
      words: /lists no graphs/,
    },
    {
      name: 'graph without id or name',
      config: edit([graph(0, 'id'), undefined]),
      path: 'projects[0].graphs[0]',
      words: /needs an id or a name/,
    },
    {
      name: 'graph id changing the URL path',
      config: edit([graph(0, 'id'), '1111/../jobs']),
      path: 'projects[0].graphs[0].id',
      words: /"1111\/..\/jobs" is not a graph id: contains "\/", which would change the request URL path/,
    },
    {
      name: 'graph id with %',
      config: edit([graph(0, 'id'), 'abc%2Fdef']),
      path: 'projects[0].graphs[0].id',
      words: /contains "%"/,
    },
    {
      name: 'graph name starting with a digit',
      config: edit([graph(1, 'name'), '1abc']),
      path: 'projects[0].graphs[1].name',
      words: /"1abc" is not a graph name: names start with a letter/,
    },
    {
      name: 'graph name with ?',
      config: edit([graph(1, 'name'), 'a?b']),
      path: 'projects[0].graphs[1].name',
      words: /contains "\?", which would change the request URL path/,
    },
    {
      name: 'unknown schedule, close',
      config: edit([graph(0, 'schedule'), 'ofice-hours']),
      path: 'projects[0].graphs[0].schedule',
      words: /unknown schedule "ofice-hours": did you mean "office-hours"\?/,
    },
    {
      name: 'unknown schedule, far',
      config: edit([graph(0, 'schedule'), 'nights']),
      path: 'projects[0].graphs[0].schedule',
      words: /unknown schedule "nights": defined are "office-hours"/,
    },
    {
      name: 'unknown schedule, inherited name',
      config: edit([graph(0, 'schedule'), 'constructor']),
      path: 'projects[0].graphs[0].schedule',
      words: /unknown schedule "constructor"/,
    },
    {
      name: 'schedule missing',
      config: edit([graph(0, 'schedule'), undefined]),
      path: 'projects[0].graphs[0].schedule',
      words: /is required: the name of an entry under schedules/,
    },
    {
      name: 'same graph id twice',
      config: edit([graph(2), { id: '11111111-2222-3333-4444-555555555555', schedule: 'office-hours' }]),
      path: 'projects[0].graphs[2].id',
      words:
        /graph id 11111111-2222-3333-4444-555555555555 is listed twice \(also projects\[0\].graphs\[0\]\)/,
    },
    {
      name: 'same graph id in another project',
      config: edit([
        ['projects', 1],
        {
          projectId: 'fedcba9876543210fedcba9876543210',
          region: 'cn-north-4',
          graphs: [{ id: '11111111-2222-3333-4444-555555555555', schedule: 'office-hours' }],
        },
      ]),
      path: 'projects[1].graphs[0].id',
      words: /is listed twice \(also projects\[0\].graphs\[0\]\)/,
    },
    {
      name: 'same graph name twice',
      config: edit([graph(2), { name: 'fraud-detection', schedule: 'office-hours' }]),
      path: 'projects[0].graphs[2].name',
      words:
        /graph name "fraud-detection" is listed twice in this project \(also projects\[0\].graphs\[1\]\)/,
    },
    {
      name: 'unknown graph key',
      config: edit([graph(0, 'color'), 'red']),
      path: 'projects[0].graphs[0].color',
      words: /unknown key "color": allowed: id, name, schedule, skipUntil/,
    },
    {
      name: 'skipUntil without zone',
      config: edit([graph(0, 'skipUntil'), '2026-12-01T00:00:00']),
      path: 'projects[0].graphs[0].skipUntil',
      words: /"2026-12-01T00:00:00" has no time zone: add Z \(UTC\) or an offset such as \+01:00/,
    },
    {
      name: 'skipUntil a date only',
      config: edit([graph(0, 'skipUntil'), '2026-12-01']),
      path: 'projects[0].graphs[0].skipUntil',
      words: /is a date without a time and zone/,
    },
    {
      name: 'skipUntil not a date',
      config: edit([graph(0, 'skipUntil'), 'next week']),
      path: 'projects[0].graphs[0].skipUntil',
      words: /"next week" is not an ISO-8601 instant with a zone/,
    },
    {
      name: 'skipUntil 30 February',
      config: edit([graph(0, 'skipUntil'), '2026-02-30T00:00:00Z']),
      path: 'projects[0].graphs[0].skipUntil',
      words: /is not a real date and time/,
    },
    {
      name: 'concurrency 0',
      config: edit([['settings'], { concurrency: 0 }]),
      path: 'settings.concurrency',
      words: /must be a whole number from 1 to 64, got the number 0/,
    },
    {
      name: 'concurrency 65',
      config: edit([['settings'], { concurrency: 65 }]),
      path: 'settings.concurrency',
      words: /from 1 to 64, got the number 65/,
    },
    {
      name: 'concurrency 2.5',
      config: edit([['settings'], { concurrency: 2.5 }]),
      path: 'settings.concurrency',
      words: /must be a whole number/,
    },
    {
      name: 'concurrency as text',
      config: edit([['settings'], { concurrency: '8' }]),
      path: 'settings.concurrency',
      words: /must be a number, got "8"/,
    },
    {
      name: 'requestTimeoutMs 0',
      config: edit([['settings'], { requestTimeoutMs: 0 }]),
      path: 'settings.requestTimeoutMs',
      words: /from 100 to 300000 \(milliseconds\)/,
    },
    {
      name: 'requestTimeoutMs huge',
      config: edit([['settings'], { requestTimeoutMs: 1e9 }]),
      path: 'settings.requestTimeoutMs',
      words: /from 100 to 300000/,
    },
    {
      name: 'verifyJobs yes',
      config: edit([['settings'], { verifyJobs: 'yes' }]),
      path: 'settings.verifyJobs',
      words: /must be true or false, got "yes"/,
    },
    {
      name: 'unknown setting',
      config: edit([['settings'], { timeout: 5 }]),
      path: 'settings.timeout',
      words: /unknown key "timeout": allowed: concurrency, requestTimeoutMs, verifyJobs/,
    },
    {
      name: 'settings as a list',
      config: edit([['settings'], [1]]),
      path: 'settings',
      words: /must be a mapping/,
    },
    {
      name: 'projects as a mapping',
      config: edit([['projects'], { a: 1 }]),
      path: 'projects',
      words: /must be a list/,
    },
  ])('$name → $path', ({ config, path, words }) => {
    const issues = issuesOf(stringify(config));
    const found = issues.filter((i) => i.path === path);
    expect(found.map((i) => i.message).join('\n'), JSON.stringify(issues, null, 1)).toMatch(words);
  });
});

describe('Function: parseConfig, files that are not YAML or not a config', () => {
  it('gives line and column of YAML syntax errors, all of them', () => {
    const issues = issuesOf('schedules:\n  a: 1\n  a: 2\nprojects:\n\t- x\n');
    expect(issues).toEqual([
      {
        path: '',
        message: expect.stringMatching(/YAML syntax: Map keys must be unique/),
        line: 3,
        column: 3,
      },
      {
        path: '',
        message: expect.stringMatching(/YAML syntax: Tabs are not allowed as indentation/),
        line: 5,
        column: 1,
      },
    ]);
  });

  it('gives line and column of schema problems too', () => {
    const text = [
      'schedules:', // 1
      '  office-hours:', // 2
      '    timezone: Europe/Berlin', // 3
      '    stop: "0 20 * *"', // 4
      '    start: "0 7 * * 1-5"', // 5
      'projects:', // 6
      '  - projectId: 0123456789abcdef0123456789abcdef', // 7
      '    region: cn-north-4', // 8
      '    graphs:', // 9
      '      - id: 11111111-2222-3333-4444-555555555555', // 10
      '        schedule: office', // 11
      '        colour: red', // 12
    ].join('\n');
    const issues = issuesOf(text);
    expect(issues.map(({ path, line, column }) => ({ path, line, column }))).toEqual([
      { path: 'schedules.office-hours.stop', line: 4, column: 11 },
      { path: 'projects[0].graphs[0].schedule', line: 11, column: 19 },
      { path: 'projects[0].graphs[0].colour', line: 12, column: 9 },
    ]);
  });

  it('reports every problem at once, in file order, in one ConfigError naming the file', () => {
    const config = edit(
      [office('timezone'), 'Mars/Olympus'],
      [['projects', 0, 'region'], 'moon'],
      [graph(0, 'schedule'), 'nope'],
      [graph(1, 'skipUntil'), 'soon'],
      [['settings'], { concurrency: 100 }],
    );
    let error: unknown;
    try {
      parseConfig(stringify(config), 'config/schedule.yaml', NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.code).toBe('CONFIG_INVALID');
    expect(configError.file).toBe('config/schedule.yaml');
    expect(configError.issues.map((i) => i.path)).toEqual([
      'schedules.office-hours.timezone',
      'projects[0].region',
      'projects[0].graphs[0].schedule',
      'projects[0].graphs[1].skipUntil',
      'settings.concurrency',
    ]);
    expect(configError.message).toMatch(
      /^config\/schedule.yaml: 5 problems in the config\n {2}- schedules.office-hours.timezone \(line 3, column 15\): "Mars\/Olympus"/,
    );
  });

  it('rejects several documents in one file, and alias bombs', () => {
    expect(issuesOf('schedules: {}\n---\nprojects: []\n')).toEqual([
      { path: '', message: expect.stringMatching(/several documents/), line: 2, column: 1 },
    ]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
    ])
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    expect(issuesOf(bomb.join('\n'))).toEqual([
      { path: '', message: expect.stringMatching(/Excessive alias count/) },
    ]);
  });

  it.each([
    { name: 'an empty file', text: '' },
    { name: 'only comments', text: '# nothing yet\n' },
  ])('rejects $name', ({ text }) => {
    expect(issuesOf(text)).toEqual([{ path: '', message: expect.stringMatching(/the file is empty/) }]);
  });
});

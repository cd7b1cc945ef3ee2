/**
 * lib/deploy-checks.ts: the rule `osls package`/`deploy` and `npm run check` share. The function's
 * loader first; then no placeholder id of the shipped configs may be left.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  loadDeployableConfig,
  PLACEHOLDER_GRAPH_IDS,
  PLACEHOLDER_PROJECT_IDS,
} from '../../lib/deploy-checks.js';
import { ConfigError } from '../../lib/errors.js';
import { configDir } from './support.js';

const files = configDir();
afterAll(() => files.remove());

const NOW = new Date('2026-11-23T19:00:00Z');
const OWN_PROJECT = '5c3f2a1b9d8e4f7a6b5c4d3e2f1a0b9c';
const OWN_GRAPH = '0f8e3c4d-6a1b-4e5f-9c2d-7b8a9e0f1a2b';

function config(projectId: string, graph: string): string {
  return [
    'schedules:',
    '  nightly: { timezone: UTC, stop: "0 22 * * *", start: "0 6 * * *" }',
    'projects:',
    `  - projectId: ${projectId}`,
    '    region: cn-north-4',
    '    graphs:',
    `      - ${graph}`,
    '        schedule: nightly',
  ].join('\n');
}

async function issuesOf(text: string): Promise<ConfigError['issues']> {
  const file = files.write('config.yaml', text);
  const error = await loadDeployableConfig(file, NOW).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return [];
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues;
}

describe('loadDeployableConfig', () => {
  it.each(PLACEHOLDER_PROJECT_IDS)(
    'refuses the placeholder project id %s, saying what to replace where',
    async (id) => {
      const issues = await issuesOf(config(id, `id: ${OWN_GRAPH}`));
      expect(issues).toEqual([
        {
          path: 'projects[0].projectId',
          line: 4,
          column: 16,
          message: expect.stringMatching(
            new RegExp(`^${id} is the example's placeholder project id: replace it in .*config\\.yaml with `),
          ),
        },
      ]);
    },
  );

  it.each(PLACEHOLDER_GRAPH_IDS)(
    'refuses the placeholder graph id %s, saying what to replace where',
    async (id) => {
      const issues = await issuesOf(config(OWN_PROJECT, `id: ${id}`));
      expect(issues).toEqual([
        {
          path: 'projects[0].graphs[0].id',
          line: 7,
          column: 13,
          message: expect.stringMatching(
            new RegExp(`^${id} is the example's placeholder graph id: replace it in .*config\\.yaml with `),
          ),
        },
      ]);
    },
  );

  it.each([
    ['own ids', `id: ${OWN_GRAPH}`],
    ['a graph by name', 'name: fraud-detection'],
    ['an id one character away from a placeholder', 'id: 11111111-2222-3333-4444-555555555556'],
  ])('accepts %s, with the loader’s result and warnings', async (_, graph) => {
    const file = files.write('ok.yaml', config(OWN_PROJECT, graph));
    const loaded = await loadDeployableConfig(file, NOW);
    expect(loaded.config.projects[0]?.projectId).toBe(OWN_PROJECT);
    expect(loaded.warnings).toEqual([]);
  });

  it('reports the loader’s problems first: placeholders are looked for once the config is valid', async () => {
    const issues = await issuesOf(config(PLACEHOLDER_PROJECT_IDS[0]!, 'id: bad/id'));
    expect(issues.map((i) => i.path)).toEqual(['projects[0].graphs[0].id']);
    expect(issues[0]?.message).toContain('"bad/id" is not a graph id');
  });

  it.each(['config/schedule.yaml', 'config/schedule.example.yaml'])(
    'knows every project and graph id in %s as a placeholder',
    (file) => {
      const shipped = parse(readFileSync(file, 'utf8')) as {
        projects: { projectId: string; graphs: { id?: string }[] }[];
      };
      for (const project of shipped.projects) {
        expect(PLACEHOLDER_PROJECT_IDS).toContain(project.projectId);
        for (const graph of project.graphs) {
          if (graph.id !== undefined) expect(PLACEHOLDER_GRAPH_IDS).toContain(graph.id);
        }
      }
    },
  );
});

describe('loadDeployableConfig: the local sandbox', () => {
  it('refuses an endpoint on this machine, as in the sandbox config, saying what to do', async () => {
    const text = config(OWN_PROJECT, `id: ${OWN_GRAPH}`).replace(
      '    region: cn-north-4',
      '    region: cn-north-4\n    endpoint: http://127.0.0.1:8731',
    );
    expect(await issuesOf(text)).toEqual([
      expect.objectContaining({
        path: 'projects[0].endpoint',
        message: expect.stringContaining('http://127.0.0.1:8731 is this machine'),
      }),
    ]);
  });

  it('refuses config/schedule.sandbox.yaml as it ships', async () => {
    const file = files.write('sandbox.yaml', readFileSync('config/schedule.sandbox.yaml', 'utf8'));
    const error = await loadDeployableConfig(file, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.every((i) => i.path.endsWith('.endpoint'))).toBe(true);
  });
});

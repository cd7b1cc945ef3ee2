/** Tags, size index and replicas: in fixtures, and in what each API generation serves. */
import { describe, expect, it } from 'vitest';
import { parseFixture } from '../../sandbox/fixture.js';
import { graphBody, listBody } from '../../sandbox/responses.js';
import type { GraphSnapshot } from '../../sandbox/state.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const created = new Date('2026-01-05T08:00:00Z');
const tagged: GraphSnapshot = {
  projectId: PROJECT,
  id: 'g',
  name: 'etl',
  status: '200',
  tags: [
    { key: 'offhours', value: 'nights' },
    { key: 'team', value: 'data' },
  ],
  sizeIndex: '4',
  replication: 2,
  created,
};
const plain: GraphSnapshot = { projectId: PROJECT, id: 'p', name: 'plain', status: '200', created };

describe('Function: graphBody', () => {
  it.each([
    {
      version: 'v1' as const,
      graph: tagged,
      expected: {
        graphSizeTypeIndex: '4',
        tags: [
          { Key: 'offhours', Value: 'nights' },
          { Key: 'team', Value: 'data' },
        ],
      },
      absent: ['replication', 'graph_size_type_index'],
    },
    {
      version: 'v2' as const,
      graph: tagged,
      expected: {
        graph_size_type_index: '4',
        replication: 2,
        tags: [
          { key: 'offhours', value: 'nights' },
          { key: 'team', value: 'data' },
        ],
      },
      absent: ['graphSizeTypeIndex'],
    },
    { version: 'v1' as const, graph: plain, expected: { graphSizeTypeIndex: '1', tags: [] }, absent: [] },
    {
      version: 'v2' as const,
      graph: plain,
      expected: { graph_size_type_index: '1', replication: 1, tags: [] },
      absent: [],
    },
  ])('serves $graph.name in $version with its own spelling', ({ version, graph, expected, absent }) => {
    const body = graphBody(version, graph);
    expect(body).toMatchObject(expected);
    for (const key of absent) expect(body).not.toHaveProperty(key);
    expect((listBody(version, 1, [graph]) as { graphs: unknown[] }).graphs[0]).toEqual(body);
  });
});

describe('Function: parseFixture › tags, size and replicas', () => {
  const fixture = (graph: string) =>
    `accounts: [{ak: A, sk: S}]\ngraphs:\n  - {projectId: '${PROJECT}', id: g, name: n, status: 200, ${graph}}\n`;

  it('reads them, a numeric size index as a string', () => {
    const { graphs } = parseFixture(
      fixture('tags: [{key: offhours, value: nights}], sizeIndex: 401, replication: 3'),
      'f',
    );
    expect(graphs[0]).toMatchObject({
      tags: [{ key: 'offhours', value: 'nights' }],
      sizeIndex: '401',
      replication: 3,
    });
  });

  it.each([
    { problem: 'a tag without a key', graph: 'tags: [{value: nights}]', message: /graphs\.0\.tags\.0\.key/ },
    { problem: 'an empty tag key', graph: "tags: [{key: '', value: x}]", message: /graphs\.0\.tags\.0\.key/ },
    { problem: 'an unknown tag field', graph: 'tags: [{key: a, value: b, colour: c}]', message: /colour/ },
    { problem: 'a size index by name', graph: 'sizeIndex: billion-edge', message: /graphSizeTypeIndex/ },
    { problem: 'no replicas', graph: 'replication: 0', message: /graphs\.0\.replication/ },
    { problem: 'half a replica', graph: 'replication: 1.5', message: /graphs\.0\.replication/ },
  ])('refuses $problem', ({ graph, message }) => {
    expect(() => parseFixture(fixture(graph), 'fixture.yaml')).toThrow(message);
  });
});

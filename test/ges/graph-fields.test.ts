/** Tags, size and replicas of a graph, read from listings and details of both API generations. */
import { describe, expect, it } from 'vitest';
import { parseGraphDetails, parseGraphPage } from '../../lib/ges/responses.js';

const request = { method: 'GET', url: '/v2/p/graphs' };
const G = { id: 'g-1', name: 'etl', status: '200' };

/** The graph as a v1.0 listing, a v2 listing and a details answer give it. */
function parsedEverywhere(fields: Record<string, unknown>) {
  const graph = { ...G, ...fields };
  return [
    parseGraphPage(JSON.stringify({ graphCount: 1, graphs: [graph] }), request).graphs[0],
    parseGraphPage(JSON.stringify({ graph_count: 1, graphs: [graph] }), request).graphs[0],
    parseGraphDetails(JSON.stringify({ graph }), request),
  ];
}

describe('Function: parseGraphPage and parseGraphDetails › tags', () => {
  it.each([
    {
      name: 'v2 key/value',
      tags: [{ key: 'offhours', value: 'nights' }],
      expected: [['offhours', 'nights']],
    },
    {
      name: 'v1.0 Key/Value',
      tags: [{ Key: 'offhours', Value: 'nights' }],
      expected: [['offhours', 'nights']],
    },
    {
      name: 'mixed casing in one entry',
      tags: [{ key: 'team', Value: 'data' }],
      expected: [['team', 'data']],
    },
    {
      name: 'several, in order',
      tags: [
        { key: 'team', value: 'data' },
        { Key: 'offhours', Value: 'off' },
      ],
      expected: [
        ['team', 'data'],
        ['offhours', 'off'],
      ],
    },
    { name: 'an empty value', tags: [{ key: 'offhours', value: '' }], expected: [['offhours', '']] },
    { name: 'an absent value, as empty', tags: [{ key: 'offhours' }], expected: [['offhours', '']] },
    {
      name: 'a null value, as empty',
      tags: [{ key: 'offhours', value: null }],
      expected: [['offhours', '']],
    },
    {
      name: 'keys and values untrimmed, case kept',
      tags: [{ key: ' Offhours', value: 'Nights ' }],
      expected: [[' Offhours', 'Nights ']],
    },
    { name: 'an empty list', tags: [], expected: [] },
    { name: 'no tags field', tags: undefined, expected: [] },
    { name: 'null', tags: null, expected: [] },
    { name: 'an object, not a list', tags: { offhours: 'nights' }, expected: [] },
    { name: 'a string', tags: 'offhours=nights', expected: [] },
    {
      name: 'malformed entries left out, a number value kept as its text, good ones kept',
      tags: [
        null,
        'offhours=nights',
        ['offhours', 'nights'],
        { key: '', value: 'nights' },
        { key: 7, value: 'nights' },
        { value: 'nights' },
        { key: 'offhours', value: 7 },
        { key: 'offhours', value: { name: 'nights' } },
        { key: 'team', value: 'data' },
      ],
      expected: [
        ['offhours', '7'],
        ['team', 'data'],
      ],
    },
  ])('reads $name', ({ tags, expected }) => {
    for (const graph of parsedEverywhere(tags === undefined ? {} : { tags })) {
      expect(graph?.tags).toEqual(expected.map(([key, value]) => ({ key, value })));
    }
  });
});

describe('Function: parseGraphPage and parseGraphDetails › size and replicas', () => {
  it.each([
    { fields: { graphSizeTypeIndex: '1' }, sizeIndex: '1' },
    { fields: { graph_size_type_index: '401' }, sizeIndex: '401' },
    { fields: { graphSizeTypeIndex: 4 }, sizeIndex: '4' },
    { fields: { graph_size_type_index: 0 }, sizeIndex: '0' },
    { fields: { graphSizeTypeIndex: ' 4 ' }, sizeIndex: '4' },
    { fields: { graphSizeTypeIndex: null, graph_size_type_index: '2' }, sizeIndex: '2' },
    { fields: { graphSizeTypeIndex: 'billion-edge' }, sizeIndex: undefined },
    { fields: { graphSizeTypeIndex: '' }, sizeIndex: undefined },
    { fields: { graphSizeTypeIndex: -1 }, sizeIndex: undefined },
    { fields: { graphSizeTypeIndex: 1.5 }, sizeIndex: undefined },
    { fields: { graphSizeTypeIndex: true }, sizeIndex: undefined },
    { fields: {}, sizeIndex: undefined },
  ])('reads size index $sizeIndex from $fields', ({ fields, sizeIndex }) => {
    for (const graph of parsedEverywhere(fields)) expect(graph?.sizeIndex).toBe(sizeIndex);
  });

  it.each([
    { replication: 1, expected: 1 },
    { replication: 3, expected: 3 },
    { replication: '2', expected: 2 },
    { replication: ' 2 ', expected: 2 },
    { replication: 0, expected: undefined },
    { replication: '0', expected: undefined },
    { replication: -2, expected: undefined },
    { replication: 1.5, expected: undefined },
    { replication: 'two', expected: undefined },
    { replication: null, expected: undefined },
    { replication: undefined, expected: undefined },
  ])('reads replication $replication as $expected', ({ replication, expected }) => {
    const fields = replication === undefined ? {} : { replication };
    for (const graph of parsedEverywhere(fields)) expect(graph?.replication).toBe(expected);
  });

  it('leaves unknown size and replicas out of the graph rather than setting them to undefined', () => {
    for (const graph of parsedEverywhere({ graphSizeTypeIndex: 'x', replication: 0 })) {
      expect(graph).not.toHaveProperty('sizeIndex');
      expect(graph).not.toHaveProperty('replication');
    }
  });

  it('never rejects a graph for odd tags, size or replicas: id, name and status still decide', () => {
    const [listed] = parsedEverywhere({ tags: 42, graphSizeTypeIndex: [], replication: {} });
    expect(listed).toEqual({ ...G, state: { kind: 'running' }, tags: [] });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../lib/errors.js';
import { GesClient } from '../../lib/ges/client.js';
import type { ApiVersion } from '../../lib/ges/types.js';
import { Transport } from '../../lib/http/transport.js';
import { json, Loopback } from '../http/loopback.js';

const P = '0123456789abcdef0123456789abcdef';
const ALL = Array.from({ length: 27 }, (_, i) => ({ id: `graph-${i}`, name: `name-${i}`, status: '200' }));

let server: Loopback;
let transport: Transport;

beforeEach(async () => {
  server = await Loopback.start();
  transport = new Transport({ concurrency: 2, requestTimeoutMs: 2_000 });
});

afterEach(async () => {
  await transport.close();
  await server.close();
});

function client(apiVersion: ApiVersion, pageSize = 10): GesClient {
  return new GesClient({
    endpoint: server.origin,
    apiVersion,
    credentials: { ak: 'a', sk: 's' },
    transport,
    pageSize,
  });
}

interface PagingOptions {
  /** The server's own cap on `limit`. */
  cap?: number;
  /** Ignore `offset` (a broken server): always answer the first page. */
  ignoreOffset?: boolean;
  /** Claim this many graphs instead of the real count. */
  claim?: number;
  snake?: boolean;
}

function serve(graphs: readonly object[], o: PagingOptions = {}): void {
  server.handler = (req, res) => {
    const query = new URL(req.url, server.origin).searchParams;
    const offset = o.ignoreOffset ? 0 : Number(query.get('offset'));
    const limit = Math.min(Number(query.get('limit')), o.cap ?? Number.POSITIVE_INFINITY);
    const count = o.claim ?? graphs.length;
    const page = graphs.slice(offset, offset + limit);
    json(res, 200, o.snake ? { graph_count: count, graphs: page } : { graphCount: count, graphs: page });
  };
}

const offsets = () => server.requests.map((r) => new URL(r.url, server.origin).searchParams.get('offset'));

describe('Class: GesClient › listGraphs', () => {
  it.each([
    ['v1', false],
    ['v2', true],
  ] as const)('%s: pages through 27 graphs ten at a time', async (version, snake) => {
    serve(ALL, { snake });
    const graphs = await client(version).listGraphs(P);
    expect(graphs.map((g) => g.id)).toEqual(ALL.map((g) => g.id));
    expect(graphs[0]).toEqual({
      id: 'graph-0',
      name: 'name-0',
      status: '200',
      state: { kind: 'running' },
      tags: [],
    });
    expect(offsets()).toEqual(['0', '10', '20']);
    expect(server.requests.every((r) => r.url.endsWith('&limit=10'))).toBe(true);
  });

  it('advances by the graphs actually returned when the server caps the page size', async () => {
    serve(ALL, { cap: 7 });
    const graphs = await client('v1').listGraphs(P);
    expect(graphs).toHaveLength(27);
    expect(offsets()).toEqual(['0', '7', '14', '21']);
  });

  it('lists again ten at a time when GES refuses a limit of 100', async () => {
    server.handler = (req, res) => {
      const query = new URL(req.url, server.origin).searchParams;
      const limit = Number(query.get('limit'));
      if (limit > 50) return json(res, 400, { errorCode: 'GES.0001', errorMessage: 'Incorrect parameter.' });
      const offset = Number(query.get('offset'));
      json(res, 200, { graphCount: ALL.length, graphs: ALL.slice(offset, offset + limit) });
    };
    const graphs = await client('v1', 100).listGraphs(P);
    expect(graphs).toHaveLength(27);
    expect(server.requests.map((r) => new URL(r.url, server.origin).searchParams.get('limit'))).toEqual([
      '100',
      '10',
      '10',
      '10',
    ]);
  });

  it('does not retry a refusal at the documented page size', async () => {
    server.handler = (_req, res) =>
      json(res, 400, { errorCode: 'GES.0001', errorMessage: 'Incorrect parameter.' });
    await expect(client('v1', 10).listGraphs(P)).rejects.toThrow('GES.0001');
    expect(server.requests).toHaveLength(1);
  });

  it('asks once when everything fits in one page', async () => {
    serve(ALL);
    expect(await client('v2', 100).listGraphs(P)).toHaveLength(27);
    expect(server.requests).toHaveLength(1);
  });

  it('returns an empty project with one request', async () => {
    serve([]);
    expect(await client('v2').listGraphs(P)).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops on an empty page even when graphCount claims more', async () => {
    serve(ALL, { claim: 40 });
    expect(await client('v1').listGraphs(P)).toHaveLength(27);
    expect(offsets()).toEqual(['0', '10', '20', '27']);
  });

  it('does not loop when the server ignores offset', async () => {
    serve(ALL, { ignoreOffset: true });
    const error = await client('v1')
      .listGraphs(P)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toContain('repeats graphs already listed');
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['no count', { graphs: [] }],
    ['a negative count', { graphCount: -1, graphs: [] }],
    ['graphs that are not an array', { graphCount: 1, graphs: {} }],
    ['a graph without an id', { graphCount: 1, graphs: [{ name: 'x', status: '200' }] }],
  ])('rejects a page with %s', async (_name, body) => {
    server.handler = (_req, res) => json(res, 200, body);
    await expect(client('v2').listGraphs(P)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('accepts a count sent as a string', async () => {
    server.handler = (_req, res) => json(res, 200, { graph_count: '1', graphs: [ALL[0]] });
    expect(await client('v2').listGraphs(P)).toHaveLength(1);
  });
  it('starts over when a graph is deleted between pages, so none is hidden by the shift', async () => {
    const live = ALL.slice(0, 25).map((g) => ({ ...g }));
    server.handler = (req, res) => {
      const query = new URL(req.url, server.origin).searchParams;
      const offset = Number(query.get('offset'));
      const limit = Number(query.get('limit'));
      json(res, 200, { graphCount: live.length, graphs: live.slice(offset, offset + limit) });
      if (server.requests.length === 1) live.splice(3, 1); // graph-3 deleted after page 1 was served
    };
    const graphs = await client('v1').listGraphs(P);
    expect(graphs.map((g) => g.id).sort()).toEqual(live.map((g) => g.id).sort());
    expect(graphs.map((g) => g.id)).toContain('graph-10'); // the graph the shift would have hidden
    expect(offsets()).toEqual(['0', '10', '0', '10', '20']);
  });

  it('settles for every graph seen after three passes whose count keeps changing', async () => {
    const live = ALL.slice(0, 25).map((g) => ({ ...g }));
    let created = 0;
    server.handler = (req, res) => {
      const query = new URL(req.url, server.origin).searchParams;
      const offset = Number(query.get('offset'));
      const limit = Number(query.get('limit'));
      json(res, 200, { graphCount: live.length, graphs: live.slice(offset, offset + limit) });
      live.unshift({ id: `new-${created}`, name: `new-${created++}`, status: '200' }); // one created per page
    };
    const graphs = await client('v1').listGraphs(P);
    expect(server.requests).toHaveLength(6); // two pages a pass, three passes
    const ids = graphs.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(ALL.slice(0, 19).map((g) => g.id))); // all that any page showed
  });
});

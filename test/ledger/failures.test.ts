/**
 * Every way DynamoDB can fail the ledger becomes one LedgerError (code LEDGER_UNAVAILABLE) whose
 * problem and words say what to do. A loopback server answers as DynamoDB does (JSON 1.0 errors).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LedgerError, type LedgerProblem } from '../../lib/errors.js';
import { type DynamoLedger, type DynamoLedgerOptions, dynamoLedger } from '../../lib/ledger/dynamo.js';
import { EMULATOR_CLIENT } from '../../sandbox/dynamo.js';
import { closedPort, type Handler, json, Loopback } from '../http/loopback.js';

const GRAPH = {
  projectId: '0123456789abcdef0123456789abcdef',
  graphId: '11111111-2222-3333-4444-555555555555',
};
const STOP = {
  ...GRAPH,
  stoppedAt: new Date('2026-03-02T20:00:00Z'),
  runId: 'run-1',
  schedule: 'office-hours',
};
const KEY = { graph: `${GRAPH.projectId}/${GRAPH.graphId}`, stoppedAt: '2026-03-02T20:00:00.000Z' };
const CLOSE = { endedAt: new Date('2026-03-03T06:00:00Z'), endedBy: 'start' } as const;

const ledgers: DynamoLedger[] = [];
const servers: Loopback[] = [];
afterEach(async () => {
  for (const ledger of ledgers.splice(0)) ledger.destroy();
  for (const server of servers.splice(0)) await server.close();
});

function ledgerAt(endpoint: string, options: Partial<DynamoLedgerOptions> = {}): DynamoLedger {
  // One attempt: the SDK's own retry back-off would only slow these tests down.
  const ledger = dynamoLedger({
    table: 'ges-ledger',
    client: { ...EMULATOR_CLIENT, endpoint, maxAttempts: 1 },
    ...options,
  });
  ledgers.push(ledger);
  return ledger;
}

async function server(handler?: Handler): Promise<Loopback> {
  const loopback = await Loopback.start(handler);
  servers.push(loopback);
  return loopback;
}

/** Each ledger operation, called so that it reaches DynamoDB first thing. */
const OPERATIONS: [string, (ledger: DynamoLedger, signal?: AbortSignal) => Promise<unknown>][] = [
  ['PutItem', (l, signal) => l.openWindow(STOP, { signal })],
  ['Query', (l, signal) => l.openWindows([GRAPH], { signal }).then((r) => r.get(KEY.graph))],
  ['UpdateItem', (l, signal) => l.closeWindow(KEY, CLOSE, { signal })],
  ['Scan', (l, signal) => l.windows(new Date(0), new Date(), { signal })],
];

/** The LedgerError an operation ends in (openWindows reports it per graph instead of rejecting). */
async function failureOf(work: Promise<unknown>): Promise<LedgerError> {
  const outcome = await work.then(
    (value) => value,
    (error: unknown) => error,
  );
  const error =
    (outcome as { ok?: boolean; error?: unknown })?.ok === false
      ? (outcome as { error: unknown }).error
      : outcome;
  if (!(error instanceof LedgerError)) throw new Error(`expected a LedgerError, got ${String(error)}`);
  return error;
}

describe('Ledger errors: DynamoDB answers with an error', () => {
  const CASES: [string, number, LedgerProblem, RegExp][] = [
    [
      'ResourceNotFoundException',
      400,
      'table-not-found',
      /table ges-ledger does not exist.*deploy the stack, or set LEDGER_TABLE/,
    ],
    [
      'AccessDeniedException',
      400,
      'access-denied',
      /access denied.*role needs dynamodb:.*on table ges-ledger/,
    ],
    ['UnrecognizedClientException', 400, 'access-denied', /access denied/],
    ['ProvisionedThroughputExceededException', 400, 'throttled', /throttled by DynamoDB/],
    ['ThrottlingException', 400, 'throttled', /throttled by DynamoDB/],
    ['RequestLimitExceeded', 400, 'throttled', /throttled by DynamoDB/],
    [
      'ValidationException',
      400,
      'rejected',
      /key schema must be graph \(S, partition\) and stoppedAt \(S, sort\)/,
    ],
    ['InternalServerError', 500, 'service-error', /DynamoDB failed \(InternalServerError\)/],
  ];

  it.each(CASES)(
    '%s (HTTP %i) is %s, in words an operator can act on',
    async (type, status, problem, words) => {
      const dynamo = await server((_req, res) =>
        json(res, status, {
          __type: `com.amazonaws.dynamodb.v20120810#${type}`,
          message: 'as DynamoDB says it',
        }),
      );
      for (const [operation, call] of OPERATIONS) {
        const error = await failureOf(call(ledgerAt(dynamo.origin)));
        expect(error, operation).toMatchObject({ code: 'LEDGER_UNAVAILABLE', problem, table: 'ges-ledger' });
        expect(error.message, operation).toMatch(words);
        expect(error.message, operation).toContain(`${operation} failed`);
        expect((error.cause as Error).name).toBe(type);
      }
      expect(dynamo.requests.map((r) => r.headers['x-amz-target'])).toEqual(
        OPERATIONS.map(([operation]) => `DynamoDB_20120810.${operation}`),
      );
    },
  );
});

describe('Ledger errors: DynamoDB cannot be reached or does not answer', () => {
  it('a server that is down (connection refused) is a network problem naming the endpoint setting', async () => {
    const ledger = ledgerAt(`http://127.0.0.1:${await closedPort()}`);
    for (const [operation, call] of OPERATIONS) {
      const error = await failureOf(call(ledger));
      expect(error, operation).toMatchObject({ problem: 'network' });
      expect(error.message).toMatch(/cannot reach DynamoDB \(ECONNREFUSED\).*AWS_ENDPOINT_URL_DYNAMODB/);
    }
  });

  it.each(OPERATIONS)(
    "%s on a server that hangs ends at the caller's deadline and drops the connection",
    async (_, call) => {
      let arrive = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const dynamo = await server(() => arrive()); // never answers
      const deadline = new AbortController();
      const pending = failureOf(call(ledgerAt(dynamo.origin), deadline.signal));
      await arrived;
      deadline.abort();
      const error = await pending;
      expect(error).toMatchObject({ problem: 'deadline' });
      expect(error.message).toMatch(/not answered before the run's deadline/);
      await dynamo.socketsClosed();
      expect(dynamo.openSockets).toBe(0);
    },
  );

  it("a server that hangs ends at the ledger's own request timeout when the deadline is further away", async () => {
    const dynamo = await server(() => undefined);
    const error = await failureOf(ledgerAt(dynamo.origin, { requestTimeoutMs: 50 }).openWindow(STOP));
    expect(error).toMatchObject({ problem: 'timeout' });
    expect(error.message).toMatch(/did not answer within 50 ms/);
  });

  it('a deadline already passed sends nothing', async () => {
    const dynamo = await server();
    const ledger = ledgerAt(dynamo.origin);
    for (const [operation, call] of OPERATIONS) {
      expect(await failureOf(call(ledger, AbortSignal.abort())), operation).toMatchObject({
        problem: 'deadline',
      });
    }
    expect(dynamo.requests).toEqual([]);
  });
});

describe('Ledger errors: the SDK cannot sign or route a request', () => {
  it('no AWS credentials', async () => {
    const dynamo = await server();
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const ledger = dynamoLedger({
      table: 'ges-ledger',
      client: {
        region: 'eu-central-1',
        endpoint: dynamo.origin,
        credentials: () => Promise.reject(noCredentials),
      },
    });
    ledgers.push(ledger);
    const error = await failureOf(ledger.openWindow(STOP));
    expect(error).toMatchObject({ problem: 'no-credentials' });
    expect(error.message).toMatch(/no AWS credentials.*AWS_PROFILE or AWS_ACCESS_KEY_ID/);
    expect(dynamo.requests).toEqual([]);
  });

  describe('without a region', () => {
    beforeAll(() => {
      // Neither the environment nor a shared config file may supply one.
      vi.stubEnv('AWS_REGION', undefined);
      vi.stubEnv('AWS_DEFAULT_REGION', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
      return () => vi.unstubAllEnvs();
    });

    it('says to set AWS_REGION', async () => {
      const dynamo = await server();
      const ledger = dynamoLedger({
        table: 'ges-ledger',
        client: { endpoint: dynamo.origin, credentials: EMULATOR_CLIENT.credentials! },
      });
      ledgers.push(ledger);
      const error = await failureOf(ledger.openWindow(STOP));
      expect(error).toMatchObject({ problem: 'no-region' });
      expect(error.message).toMatch(/set AWS_REGION/);
    });
  });
});

/**
 * A real implementation of the DynamoDB API on loopback (dynalite, in memory) for the ledger of
 * stop windows in tests and local runs. Point the SDK at it with `endpoint`, or with
 * AWS_ENDPOINT_URL_DYNAMODB; `createLedgerTable` also works against DynamoDB Local or LocalStack.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { OPEN_INDEX } from '../lib/ledger/items.js';

interface DynaliteOptions {
  /** How long a new table stays CREATING (default 500 ms): 0 here, so a test never waits for it. */
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

/** Credentials and region for an emulator: it accepts any signature, the SDK just needs something. */
export const EMULATOR_CLIENT: DynamoDBClientConfig = {
  region: 'eu-central-1',
  credentials: { accessKeyId: 'AKIDLOCALEMULATOR', secretAccessKey: 'local-emulator' },
};

export interface DynamoEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts an empty in-memory DynamoDB on loopback (default: a free port). */
export async function startDynamo(at: { host?: string; port?: number } = {}): Promise<DynamoEmulator> {
  const host = at.host ?? '127.0.0.1';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    close() {
      // Keep-alive connections of SDK clients would hold the server open: end them too.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Creates the ledger table with its key schema (on-demand, as deployed) and returns once it is
 * ACTIVE. TTL is not set: dynalite does not implement it, and nothing local runs long enough.
 */
export async function createLedgerTable(
  endpoint: string,
  table: string,
  client: DynamoDBClientConfig = EMULATOR_CLIENT,
): Promise<void> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const dynamo = new sdk.DynamoDBClient({ ...client, endpoint });
  try {
    await dynamo.send(
      new sdk.CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'graph', AttributeType: 'S' },
          { AttributeName: 'stoppedAt', AttributeType: 'S' },
          { AttributeName: 'openIn', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'graph', KeyType: 'HASH' },
          { AttributeName: 'stoppedAt', KeyType: 'RANGE' },
        ],
        // The sparse index of open windows by project, as deployed (serverless.yml).
        GlobalSecondaryIndexes: [
          {
            IndexName: OPEN_INDEX,
            KeySchema: [
              { AttributeName: 'openIn', KeyType: 'HASH' },
              { AttributeName: 'stoppedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    // CREATING lasts createTableMs (0 here): each DescribeTable round trip gives it that time.
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Table } = await dynamo.send(new sdk.DescribeTableCommand({ TableName: table }));
      if (Table?.TableStatus === 'ACTIVE') return;
    }
    throw new Error(`table ${table} at ${endpoint} did not become ACTIVE`);
  } finally {
    dynamo.destroy();
  }
}

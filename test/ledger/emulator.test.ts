/** The local DynamoDB (sandbox/dynamo.ts): the ledger table as deployed, the SDK's endpoint variable. */
import { connect } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoLedger } from '../../lib/ledger/dynamo.js';
import { createLedgerTable, EMULATOR_CLIENT, startDynamo } from '../../sandbox/dynamo.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Resolves with the connection's fate: 'refused' once nothing listens on the port any more. */
function probe(port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', () => resolve('refused'));
  });
}

describe('sandbox/dynamo', () => {
  it('creates the ledger table with the contract key schema, on demand, ready at once', async () => {
    const dynamo = await startDynamo();
    try {
      await createLedgerTable(dynamo.endpoint, 'ges-ledger');
      const client = new DynamoDBClient({ ...EMULATOR_CLIENT, endpoint: dynamo.endpoint });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'ges-ledger' }));
      client.destroy();
      expect(Table).toMatchObject({
        TableStatus: 'ACTIVE',
        KeySchema: [
          { AttributeName: 'graph', KeyType: 'HASH' },
          { AttributeName: 'stoppedAt', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: expect.arrayContaining([
          { AttributeName: 'graph', AttributeType: 'S' },
          { AttributeName: 'stoppedAt', AttributeType: 'S' },
        ]),
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      });
    } finally {
      await dynamo.close();
    }
  });

  it('close() frees the port even while a client keeps a connection open', async () => {
    const dynamo = await startDynamo();
    const port = Number(new URL(dynamo.endpoint).port);
    const ledger = dynamoLedger({
      table: 'ges-ledger',
      client: { ...EMULATOR_CLIENT, endpoint: dynamo.endpoint },
    });
    await createLedgerTable(dynamo.endpoint, 'ges-ledger');
    await ledger.openWindows([{ projectId: 'p', graphId: 'g' }]); // leaves a keep-alive connection
    await dynamo.close();
    await dynamo.close(); // twice is harmless
    expect(await probe(port)).toBe('refused');
    ledger.destroy();
  });

  it('a ledger configured with no endpoint follows AWS_ENDPOINT_URL_DYNAMODB, as users of DynamoDB Local do', async () => {
    const dynamo = await startDynamo();
    try {
      await createLedgerTable(dynamo.endpoint, 'ges-ledger');
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
      const ledger = dynamoLedger({ table: 'ges-ledger', client: EMULATOR_CLIENT });
      const stop = {
        projectId: '0123456789abcdef0123456789abcdef',
        graphId: '11111111-2222-3333-4444-555555555555',
        stoppedAt: new Date('2026-03-02T20:00:00Z'),
        runId: 'run-env',
        schedule: 'office-hours',
      };
      expect(await ledger.openWindow(stop)).toMatchObject({ outcome: 'opened' });
      ledger.destroy();
    } finally {
      await dynamo.close();
    }
  });
});

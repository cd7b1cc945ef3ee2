/** A dynalite per suite, a fresh ledger table per test, and clients that are closed afterwards. */
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type DynamoLedger, type DynamoLedgerOptions, dynamoLedger } from '../../lib/ledger/dynamo.js';
import {
  createLedgerTable,
  type DynamoEmulator,
  EMULATOR_CLIENT,
  startDynamo,
} from '../../sandbox/dynamo.js';

export interface LedgerFixture {
  readonly endpoint: () => string;
  /** A ledger on a new, empty table. */
  ledger(options?: Partial<DynamoLedgerOptions>): Promise<DynamoLedger>;
  /** The raw client config for the emulator, to look at items directly. */
  client(): DynamoDBClientConfig;
}

export function useLedgerEmulator(): LedgerFixture {
  let emulator: DynamoEmulator | undefined;
  let tables = 0;
  const open: DynamoLedger[] = [];
  beforeAll(async () => {
    emulator = await startDynamo();
  });
  afterEach(() => {
    for (const ledger of open.splice(0)) ledger.destroy();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const endpoint = () => emulator!.endpoint;
  const client = () => ({ ...EMULATOR_CLIENT, endpoint: endpoint() });
  return {
    endpoint,
    client,
    async ledger(options = {}) {
      const table = `ledger-test-${++tables}`;
      await createLedgerTable(endpoint(), table);
      const ledger = dynamoLedger({ table, client: client(), ...options });
      open.push(ledger);
      return ledger;
    },
  };
}

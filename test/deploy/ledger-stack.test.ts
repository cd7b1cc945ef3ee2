import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_INDEX } from '../../lib/ledger/items.js';
import { copyService, packageTemplate, type ServiceCopy, withOwnIds } from './service.js';

const PACKAGE_TIMEOUT_MS = 120_000;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let copy: ServiceCopy;
let resources: Record<string, Resource>;

beforeAll(async () => {
  copy = copyService('ges-offhours-ledger-stack-');
  copy.writeConfig(withOwnIds(copy.readConfig()));
  const template = await packageTemplate<{ Resources: Record<string, Resource> }>(
    copy,
    [],
    'out',
    PACKAGE_TIMEOUT_MS - 5_000,
  );
  resources = template.Resources;
}, PACKAGE_TIMEOUT_MS);

afterAll(() => copy?.remove());

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function only(type: string): Resource {
  const found = ofType(type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]![1];
}

function statements(): Statement[] {
  const policies = only('AWS::IAM::Role').Properties.Policies as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('osls package: the ledger table', () => {
  it('is the one DynamoDB table, keyed graph (S) + stoppedAt (S), billed on demand, with its index of open windows', () => {
    expect(ofType('AWS::DynamoDB::Table').map(([id]) => id)).toEqual(['LedgerTable']);
    expect(resources.LedgerTable?.Properties).toMatchObject({
      TableName: 'ges-offhours-test-ledger',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'graph', KeyType: 'HASH' },
        { AttributeName: 'stoppedAt', KeyType: 'RANGE' },
      ],
    });
    const attributes = resources.LedgerTable?.Properties.AttributeDefinitions;
    expect(attributes).toEqual([
      { AttributeName: 'graph', AttributeType: 'S' },
      { AttributeName: 'stoppedAt', AttributeType: 'S' },
      { AttributeName: 'openIn', AttributeType: 'S' },
    ]);
    expect(resources.LedgerTable?.Properties.ProvisionedThroughput).toBeUndefined();
    // The same index the local emulator's table gets, by the name the ledger queries.
    expect(resources.LedgerTable?.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: OPEN_INDEX,
        KeySchema: [
          { AttributeName: 'openIn', KeyType: 'HASH' },
          { AttributeName: 'stoppedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('expires closed windows by TTL on expiresAt and keeps point-in-time recovery', () => {
    expect(resources.LedgerTable?.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('survives removing the stack or replacing the table', () => {
    expect(resources.LedgerTable).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('is named to the function by LEDGER_TABLE', () => {
    const fn = only('AWS::Lambda::Function');
    const { Variables } = fn.Properties.Environment as { Variables: Record<string, unknown> };
    // The table's own name, not a Ref: `osls invoke local` cannot resolve a Ref without AWS.
    expect(Variables.LEDGER_TABLE).toBe('ges-offhours-test-ledger');
    expect(Variables.LEDGER_TABLE).toBe(resources.LedgerTable?.Properties.TableName);
  });
});

describe('osls package: IAM for the ledger', () => {
  it("grants the ledger's item operations on its table and its index of open windows, nothing else of DynamoDB", () => {
    const dynamo = statements().filter((s) =>
      actions(s).some((a) => a.toLowerCase().startsWith('dynamodb:')),
    );
    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:Scan',
        ],
        Resource: [
          { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
          { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }, 'index', OPEN_INDEX]] },
        ],
      },
    ]);
  });
});

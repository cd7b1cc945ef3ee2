/**
 * deploy/secret-arns.cjs: the Resource list of the GetSecretValue statement, called the way osls
 * calls a `${file(...)}` function, without packaging.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretArnByName } from './arns.js';

type Resolver = (input: {
  resolveVariable: (variable: string) => Promise<unknown>;
  resolveConfigurationProperty: (path: string[]) => Promise<unknown>;
}) => Promise<unknown[]>;

const secretArns = createRequire(import.meta.url)('../../deploy/secret-arns.cjs') as Resolver;

const dir = mkdtempSync(join(tmpdir(), 'ges-offhours-secret-arns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let configs = 0;
function config(yaml: string): string {
  const file = join(dir, `schedule-${++configs}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

const NO_SECRETS = config('projects:\n  - projectId: 0123456789abcdef0123456789abcdef\n    graphs: []\n');

/** Mimics osls: `param:NAME, ''` resolves to the parameter or the fallback. */
function resolve(params: Record<string, string>, configFile = NO_SECRETS) {
  return secretArns({
    resolveVariable: async (variable) => {
      const match = /^param:(\w+), ''$/.exec(variable);
      if (!match) throw new Error(`unexpected variable ${variable}`);
      return params[match[1]!] ?? '';
    },
    resolveConfigurationProperty: async (path) => {
      expect(path).toEqual(['custom', 'scheduleConfig']);
      return configFile;
    },
  });
}

const byName = secretArnByName;

const ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:ges/credentials-AbCdEf';
const CN_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:ges/cn-Q1w2E3';

describe('secret-arns.cjs', () => {
  it('keeps a full ARN as it is', async () => {
    expect(await resolve({ credentialsSecret: ARN })).toEqual([ARN]);
  });

  it('turns a name into an ARN that CloudFormation completes with region and account', async () => {
    expect(await resolve({ credentialsSecret: 'ges/credentials' })).toEqual([byName('ges/credentials')]);
  });

  it('accepts the -?????? pattern for an ARN without its random suffix', async () => {
    const pattern = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:ges/credentials-??????';
    expect(await resolve({ credentialsSecret: pattern })).toEqual([pattern]);
  });

  it('adds extra secrets (comma-separated, trimmed, deduplicated) and those named in the config', async () => {
    const file = config(
      [
        'projects:',
        '  - projectId: 0123456789abcdef0123456789abcdef',
        '    credentialsSecret: ges/from-config',
        '  - projectId: 0123456789abcdef0123456789abcdee',
        `    credentialsSecret: ${CN_ARN}`,
        '  - projectId: 0123456789abcdef0123456789abcded',
        '    credentialsSecret: ges/credentials',
        '  - projectId: 0123456789abcdef0123456789abcdec',
      ].join('\n'),
    );
    expect(
      await resolve(
        { credentialsSecret: 'ges/credentials', extraSecrets: ` ${ARN} ,, ges/extra,${ARN}` },
        file,
      ),
    ).toEqual([byName('ges/credentials'), ARN, byName('ges/extra'), byName('ges/from-config'), CN_ARN]);
  });

  it.each([
    ['no default secret', {}, /Missing parameter credentialsSecret/],
    ['a blank default secret', { credentialsSecret: '  ' }, /Missing parameter credentialsSecret/],
    ['a wildcard name', { credentialsSecret: 'ges/*' }, /not a valid secret name or ARN: "ges\/\*"/],
    ['a bare *', { credentialsSecret: ARN, extraSecrets: '*' }, /extraSecrets: not a valid secret name/],
    [
      'a wildcard ARN',
      { credentialsSecret: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:*' },
      /not a Secrets Manager secret ARN/,
    ],
    [
      'an ARN of another service',
      { credentialsSecret: 'arn:aws:ssm:eu-central-1:123456789012:parameter/ges' },
      /not a Secrets Manager secret ARN/,
    ],
  ])('refuses %s', async (_, params, message) => {
    await expect(resolve(params)).rejects.toThrow(message);
  });

  it('refuses a wildcard secret in the config, naming where it is', async () => {
    const file = config(
      'projects:\n  - projectId: 0123456789abcdef0123456789abcdef\n    credentialsSecret: "ges/*"\n',
    );
    await expect(resolve({ credentialsSecret: ARN }, file)).rejects.toThrow(
      /projects\[0\]\.credentialsSecret: not a valid secret name/,
    );
  });

  it.each([
    ['missing', () => join(dir, 'missing.yaml')],
    ['not YAML', () => config('projects: [\n')],
  ])('takes no secrets from a config that is %s (the config guard refuses it next)', async (_, file) => {
    expect(await resolve({ credentialsSecret: ARN }, file())).toEqual([ARN]);
  });
});

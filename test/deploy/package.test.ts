/**
 * `osls package`, run once, offline, without AWS credentials, and the generated CloudFormation
 * template and Lambda zip checked against the deployment requirements (docs/contracts.md,
 * "Deployment"). It packages a copy of the repository (test/deploy/service.ts) whose
 * config/schedule.yaml is the shipped one with its placeholder ids replaced, as a user does before
 * deploying: the shipped file as it is is refused (test/deploy/guard.test.ts).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Summary } from '../../lib/run/types.js';
import { startFakeSecretsManager } from '../../sandbox/secrets-manager.js';
import { GesSandbox, makeProjectId, makeUuid } from '../../sandbox/server.js';
import { secretArnByName } from './arns.js';
import { copyService, type ServiceCopy, withOwnIds } from './service.js';
import { readZip, type ZipEntry } from './zip.js';

const run = promisify(execFile);

const PACKAGE_TIMEOUT_MS = 120_000;

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:ges/credentials-AbCdEf';
const EXTRA_ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:ges/other-account-XyZ123';
const EXTRA_NAME = 'ges/third-account';

const nameArn = secretArnByName;

interface CfResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}
interface Template {
  Resources: Record<string, CfResource>;
  Conditions?: Record<string, unknown>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let copy: ServiceCopy;
let work: string;
let out: string;
let template: Template;
let zipPath: string;
let entries: ZipEntry[];

function only(type: string): [string, CfResource] {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}

function entry(name: string): ZipEntry {
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`${name} not in the zip: ${entries.map((e) => e.name).join(', ')}`);
  return found;
}

/** Graph entries and per-project secrets of the config shipped in the package. */
function shippedConfig(): { graphs: number; secrets: string[] } {
  const config = parse(copy.readConfig()) as {
    projects?: { credentialsSecret?: string; graphs?: unknown[] }[];
  };
  const projects = config.projects ?? [];
  return {
    graphs: projects.reduce((n, p) => n + (p.graphs?.length ?? 0), 0),
    secrets: projects.flatMap((p) => (p.credentialsSecret ? [p.credentialsSecret] : [])),
  };
}

beforeAll(async () => {
  copy = copyService('ges-offhours-package-');
  work = copy.work;
  out = join(work, 'out');
  copy.writeConfig(withOwnIds(copy.readConfig()));
  const started = performance.now();
  const { code, output } = await copy.osls(
    [
      'package',
      '--stage',
      'test',
      '--region',
      'eu-central-1',
      `--param=credentialsSecret=${SECRET_ARN}`,
      `--param=extraSecrets=${EXTRA_ARN},${EXTRA_NAME}`,
      '--package',
      out,
    ],
    PACKAGE_TIMEOUT_MS - 5_000,
  );
  if (code !== 0) throw new Error(`osls package failed with exit code ${code}:\n${output}`);
  const seconds = (performance.now() - started) / 1000;

  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  zipPath = join(out, 'ges-offhours.zip');
  entries = readZip(readFileSync(zipPath));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    [
      `osls package: ${seconds.toFixed(1)} s`,
      `zip ${kb(statSync(zipPath).size)}`,
      ...entries.map((e) => `${e.name} ${kb(e.size)} (${kb(e.compressedSize)} compressed)`),
    ].join('\n  '),
  );
}, PACKAGE_TIMEOUT_MS);

afterAll(() => copy?.remove());

describe('osls invoke local', () => {
  // osls v3 never loads .mjs handlers; deploy/invoke-local-esm.cjs bridges to the ESM bundle.
  it('runs the bundled handler: a plan of the shipped config', async () => {
    const { code, stdout, output } = await copy.osls(
      [
        'invoke',
        'local',
        '-f',
        'stopGraphs',
        '--stage',
        'test',
        '--region',
        'eu-central-1',
        `--param=credentialsSecret=${SECRET_ARN}`,
        '--data',
        '{"action":"plan","at":"2026-03-29T01:30:00Z"}',
      ],
      60_000,
    );
    expect(code, output).toBe(0);
    const printed = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as Summary;
    expect(printed).toMatchObject({ action: 'plan', at: '2026-03-29T01:30:00.000Z' });
    expect(printed.results).toHaveLength(shippedConfig().graphs);
  }, 90_000);
});

describe('osls package: the function', () => {
  it('is the bundled handler on nodejs24.x/arm64 with the chosen memory and timeout', () => {
    const [, fn] = only('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      FunctionName: 'ges-offhours-test-stopGraphs',
      Handler: 'functions/stop-graphs.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 300,
    });
  });

  it('never runs twice at once: reserved concurrency 1', () => {
    const [, fn] = only('AWS::Lambda::Function');
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('has the documented environment', () => {
    const [, fn] = only('AWS::Lambda::Function');
    expect(fn.Properties.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        SCHEDULE_CONFIG: 'config/schedule.yaml',
        GES_CREDENTIALS_SECRET: SECRET_ARN,
        LOG_LEVEL: 'INFO',
        LEDGER_TABLE: 'ges-offhours-test-ledger',
        STAGE: 'test',
      },
    });
  });

  it('does not retry asynchronous invocations and drops stale ones', () => {
    const [, config] = only('AWS::Lambda::EventInvokeConfig');
    expect(config.Properties).toMatchObject({
      FunctionName: { Ref: 'StopGraphsLambdaFunction' },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 600,
    });
  });

  it('keeps no function versions', () => {
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Version')).toEqual([]);
  });
});

describe('osls package: build settings', () => {
  it('bundles with a one-shot build, the AWS SDK included', () => {
    const state = JSON.parse(readFileSync(join(out, 'serverless-state.json'), 'utf8')) as {
      service: { custom: { esbuild: Record<string, unknown> } };
    };
    expect(state.service.custom.esbuild).toMatchObject({
      // A rebuild context keeps esbuild alive after a build error and osls never exits
      // (floydspace/serverless-esbuild#532): CI would hang instead of failing.
      skipRebuild: true,
      exclude: [],
      // Lazily imported modules (the HTTP stack, the AWS SDK) in chunks of their own (esm only).
      splitting: true,
      format: 'esm',
      target: 'node24',
    });
  });
});

describe('osls package: trigger, logs, alarm', () => {
  it('is triggered by an enabled EventBridge rule every 15 minutes', () => {
    const [, rule] = only('AWS::Events::Rule');
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': ['StopGraphsLambdaFunction', 'Arn'] } }],
    });
    const [, permission] = only('AWS::Lambda::Permission');
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });

  it('keeps its logs for 30 days', () => {
    const [, logs] = only('AWS::Logs::LogGroup');
    expect(logs.Properties).toEqual({
      LogGroupName: '/aws/lambda/ges-offhours-test-stopGraphs',
      RetentionInDays: 30,
    });
  });

  it('raises an alarm when the function reports an error', () => {
    const [, alarm] = only('AWS::CloudWatch::Alarm');
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'StopGraphsLambdaFunction' } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    // No topic given: the alarm exists without actions.
    expect(template.Conditions?.HasAlarmTopic).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });
});

describe('osls package: IAM', () => {
  const statements = (): Statement[] => {
    const [, role] = only('AWS::IAM::Role');
    const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
    return policies.flatMap((p) => p.PolicyDocument.Statement);
  };
  const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

  it('may read exactly the configured secrets, and nothing else of Secrets Manager', () => {
    const secretStatements = statements().filter((s) =>
      actions(s).some((a) => a.toLowerCase().startsWith('secretsmanager:')),
    );
    expect(secretStatements).toHaveLength(1);
    const [statement] = secretStatements;
    expect(statement!.Effect).toBe('Allow');
    expect(statement!.Action).toEqual(['secretsmanager:GetSecretValue']);
    const fromConfig = shippedConfig()
      .secrets.filter((s) => ![SECRET_ARN, EXTRA_ARN, EXTRA_NAME].includes(s))
      .filter((s, i, all) => all.indexOf(s) === i)
      .map((s) => (s.startsWith('arn:') ? s : nameArn(s)));
    expect(statement!.Resource).toEqual([SECRET_ARN, EXTRA_ARN, nameArn(EXTRA_NAME), ...fromConfig]);
  });

  it('grants no wildcard resource or action anywhere', () => {
    for (const s of statements()) {
      expect(actions(s).filter((a) => a.includes('*'))).toEqual([]);
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      expect(resources).not.toContain('*');
      for (const r of resources) {
        if (typeof r === 'string' && r.startsWith('arn:aws:secretsmanager:')) expect(r).not.toContain('*');
      }
    }
  });
});

describe('osls package: the zip', () => {
  it('holds the bundle, its lazily loaded chunks, their source maps and the schedule config, and nothing else', () => {
    const names = entries.map((e) => e.name);
    const chunks = names.filter((n) => n.startsWith('functions/chunks/') && n.endsWith('.mjs'));
    expect(chunks.length).toBeGreaterThan(0);
    expect(names.sort()).toEqual(
      [
        'config/schedule.yaml',
        'functions/stop-graphs.mjs',
        'functions/stop-graphs.mjs.map',
        ...chunks.flatMap((c) => [c, `${c}.map`]),
      ].sort(),
    );
    for (const c of chunks) expect(c).toMatch(/^functions\/chunks\/[\w-]+\.mjs$/);
    // Lambda runs the code as another user than the file owner: everything must be world-readable.
    for (const e of entries) expect(e.mode & 0o444, e.name).toBe(0o444);
    expect(entry('config/schedule.yaml').read().toString('utf8')).toBe(copy.readConfig());
  });

  it('is a self-contained set of minified ES modules with linked source maps', () => {
    // Only Node built-ins and the package's own chunks are imported: everything else, the AWS SDK
    // included, is bundled. The SDK's optional SigV4a/CRT signers stay `require`s inside try/catch
    // (unused by Secrets Manager).
    const optional = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];
    const modules = entries.filter((e) => e.name.endsWith('.mjs'));
    const names = new Set(entries.map((e) => e.name));
    for (const module of modules) {
      const code = module.read().toString('utf8');
      const specifiers = [
        ...code.matchAll(
          /\b(?:from|import)\s*["']([\w@/.:-]+)["']|\b(?:import|require)\s*\(\s*["']([\w@/.:-]+)["']\s*\)/g,
        ),
      ].map((m) => m[1] ?? m[2] ?? '');
      expect(specifiers, module.name).toContain('node:module');
      const local = specifiers.filter((s) => s.startsWith('./') || s.startsWith('../'));
      for (const s of local)
        expect(names, `${module.name} imports ${s}`).toContain(posix.join(posix.dirname(module.name), s));
      expect(
        specifiers.filter(
          (s) =>
            !local.includes(s) &&
            !s.startsWith('node:') &&
            !builtinModules.includes(s) &&
            !optional.includes(s),
        ),
        module.name,
      ).toEqual([]);
      const file = posix.basename(module.name);
      expect(code, module.name).toMatch(
        new RegExp(`//# sourceMappingURL=${file.replaceAll('.', '\\.')}\\.map\\s*$`),
      );
      const map = JSON.parse(entry(`${module.name}.map`).read().toString('utf8')) as {
        sourcesContent?: unknown;
      };
      expect(map.sourcesContent, module.name).toBeUndefined();
    }
    const map = JSON.parse(entry('functions/stop-graphs.mjs.map').read().toString('utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((s) => s.endsWith('functions/stop-graphs.ts'))).toBe(true);
    // The HTTP stack and the AWS SDK are not in the entry: a plan never loads them.
    const main = entry('functions/stop-graphs.mjs').read().toString('utf8');
    expect(main).not.toMatch(/llhttp|aws-sdk-js|x-amz-json-1\.1/);
  });

  it('runs the handler from the unpacked zip as Lambda would: a plan of the shipped config', async () => {
    const task = unpack();
    const [, fn] = only('AWS::Lambda::Function');
    const { Variables } = fn.Properties.Environment as { Variables: Record<string, string> };
    const script = `
      const { handler } = await import('./functions/stop-graphs.mjs');
      const context = {
        awsRequestId: 'package-test', functionName: 'ges-offhours-test-stopGraphs', functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:ges-offhours-test-stopGraphs',
        memoryLimitInMB: '256', logGroupName: '/aws/lambda/ges-offhours-test-stopGraphs', logStreamName: 's',
        callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 300000,
      };
      const summary = await handler({ action: 'plan', at: '2026-03-02T21:00:00Z' }, context);
      process.stdout.write('\\nSUMMARY ' + JSON.stringify(summary) + '\\n');
    `;
    // Lambda's working directory is the task root: SCHEDULE_CONFIG is relative to it.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: task,
      timeout: 30_000,
      env: {
        ...Variables,
        PATH: process.env.PATH ?? '',
        LAMBDA_TASK_ROOT: task,
        AWS_REGION: 'eu-central-1',
        AWS_LAMBDA_FUNCTION_NAME: 'ges-offhours-test-stopGraphs',
        TZ: 'UTC',
      },
    });
    const line = stdout.split('\n').find((l) => l.startsWith('SUMMARY '));
    expect(line, stdout).toBeDefined();
    const summary = JSON.parse(line!.slice('SUMMARY '.length)) as { action: string; results: unknown[] };
    expect(summary.action).toBe('plan');
    expect(summary.results).toHaveLength(shippedConfig().graphs);
  });

  it('runs a scheduled run from the unpacked zip: the HTTP and AWS SDK chunks load and work', async () => {
    const task = unpack();
    const projectId = makeProjectId(1);
    const graphs = [0, 1].map((i) => ({
      projectId,
      id: makeUuid('package', i),
      name: `g-${i}`,
      status: '200',
    }));
    const sandbox = await GesSandbox.start({
      graphs,
      accounts: [{ ak: 'PACKAGETESTAK0000001', sk: 'package-sk' }],
    });
    const secrets = await startFakeSecretsManager({
      'ges/package-test': JSON.stringify({ ak: 'PACKAGETESTAK0000001', sk: 'package-sk' }),
    });
    try {
      const config = join(work, 'run-config.yaml');
      writeFileSync(
        config,
        JSON.stringify({
          schedules: { always: { timezone: 'UTC', stop: '* * * * *', start: '0 0 1 1 *' } },
          projects: [
            {
              projectId,
              region: 'cn-north-4',
              endpoint: sandbox.url,
              graphs: graphs.map((g) => ({ id: g.id, schedule: 'always' })),
            },
          ],
          settings: { verifyJobs: false },
        }),
      );
      const script = `
        const { handler } = await import('./functions/stop-graphs.mjs');
        const summary = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, {
          awsRequestId: 'package-run', functionName: 'f', functionVersion: '$LATEST', invokedFunctionArn: 'arn',
          memoryLimitInMB: '256', logGroupName: 'g', logStreamName: 's', callbackWaitsForEmptyEventLoop: true,
          getRemainingTimeInMillis: () => 60000,
        });
        process.stdout.write('\\nSUMMARY ' + JSON.stringify(summary.counts) + '\\n');
      `;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: task,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_OPTIONS: '--enable-source-maps',
          SCHEDULE_CONFIG: config,
          GES_CREDENTIALS_SECRET: 'ges/package-test',
          LOG_LEVEL: 'SILENT',
          AWS_REGION: 'eu-central-1',
          AWS_ACCESS_KEY_ID: 'AKIDPACKAGETEST',
          AWS_SECRET_ACCESS_KEY: 'package-test',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
          TZ: 'UTC',
        },
      });
      const line = stdout.split('\n').find((l) => l.startsWith('SUMMARY '));
      expect(line, stdout).toBeDefined();
      expect(JSON.parse(line!.slice('SUMMARY '.length))).toMatchObject({ stopped: 2, failed: 0 });
      expect(sandbox.count({ kind: 'stop' })).toBe(2);
      expect(secrets.requests.map((r) => r.secretId)).toEqual(['ges/package-test']);
    } finally {
      await sandbox.close();
      await secrets.close();
    }
  });
});

/** The zip's files in a task root of their own, as Lambda unpacks them (again: same files, no harm). */
function unpack(): string {
  const task = join(work, 'task');
  for (const e of entries) {
    mkdirSync(dirname(join(task, e.name)), { recursive: true });
    writeFileSync(join(task, e.name), e.read());
  }
  return task;
}

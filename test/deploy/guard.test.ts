/**
 * deploy/config-guard.cjs, through osls itself: `osls package` and `osls deploy` refuse a schedule
 * config that the function would refuse, or the shipped placeholder ids, before anything is built,
 * and package a valid config (warnings printed). The full checks of a packaged artifact are in
 * package.test.ts; the rules themselves in test/check/.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyService, type ServiceCopy, withOwnIds } from './service.js';

const OSLS_TIMEOUT_MS = 90_000;
const COMMON = ['--stage', 'test', '--region', 'eu-central-1', '--param=credentialsSecret=ges/credentials'];

let copy: ServiceCopy;
let shipped: string;

beforeAll(() => {
  copy = copyService('ges-offhours-guard-');
  shipped = copy.readConfig();
});
afterAll(() => copy?.remove());

const BAD_CRON = (text: string) =>
  withOwnIds(text).replace('stop: "0 20 * * 1-5"', 'stop: "0 20 ? * MON-FRI *"');

describe('osls package with the config guard', () => {
  it.each([
    {
      config: 'a 6-field AWS cron',
      edit: BAD_CRON,
      expected: [
        'config/schedule.yaml: 1 problem in the config',
        'schedules.office-hours.stop (line 7, column 11): "0 20 ? * MON-FRI *" has 6 fields',
      ],
    },
    {
      config: 'a YAML syntax error',
      edit: (text: string) => withOwnIds(text).replace('stop: "0 20 * * 1-5"', 'stop: "0 20 * * 1-5'),
      expected: [
        'config/schedule.yaml: 1 problem in the config',
        '(line 7, column 24): YAML syntax: Missing closing',
      ],
    },
    {
      config: 'an empty file',
      edit: () => '',
      expected: ['config/schedule.yaml: 1 problem in the config', 'the file is empty'],
    },
    {
      config: 'the placeholder ids as shipped',
      edit: (text: string) => text,
      expected: [
        'config/schedule.yaml: 2 problems in the config',
        "projects[0].projectId (line 10, column 16): 0123456789abcdef0123456789abcdef is the example's placeholder project id: replace it in config/schedule.yaml",
        "projects[0].graphs[0].id (line 13, column 13): 11111111-2222-3333-4444-555555555555 is the example's placeholder graph id: replace it in config/schedule.yaml",
      ],
    },
  ])('refuses $config with the loader messages, and builds nothing', async ({ edit, expected }) => {
    const out = join(copy.work, 'refused');
    rmSync(out, { recursive: true, force: true });
    copy.writeConfig(edit(shipped));
    const { code, output } = await copy.osls(['package', ...COMMON, '--package', out], OSLS_TIMEOUT_MS);
    expect(code, output).not.toBe(0);
    for (const line of expected) expect(output).toContain(line);
    expect(output).toContain('Nothing was packaged or deployed');
    expect(existsSync(out), 'no artifact directory').toBe(false);
    expect(existsSync(join(copy.service, '.esbuild')), 'no esbuild build').toBe(false);
  });

  it('refuses a missing config file, naming it (secret-arns.cjs leaves it to the guard)', async () => {
    rmSync(join(copy.service, 'config', 'schedule.yaml'));
    const { code, output } = await copy.osls(['package', ...COMMON], OSLS_TIMEOUT_MS);
    expect(code, output).not.toBe(0);
    expect(output).toContain('config/schedule.yaml: 1 problem in the config');
    expect(output).toContain('file not found');
  });

  it('makes osls deploy refuse too, before asking AWS anything (there are no credentials)', async () => {
    copy.writeConfig(BAD_CRON(shipped));
    const { code, output } = await copy.osls(['deploy', ...COMMON], OSLS_TIMEOUT_MS);
    expect(code, output).not.toBe(0);
    expect(output).toContain('schedules.office-hours.stop (line 7, column 11)');
    expect(output).toContain('Nothing was packaged or deployed');
  });

  it('packages a valid config, printing its warnings, with a quarter-hour cron as the rate', async () => {
    // 02:30 in Berlin is skipped or repeated on DST change days: a warning, not a refusal.
    copy.writeConfig(withOwnIds(shipped).replace('start: "0 7 * * 1-5"', 'start: "30 2 * * 1-5"'));
    const out = join(copy.work, 'packaged');
    const { code, output } = await copy.osls(
      ['package', ...COMMON, '--param=rate=cron(0/15 * * * ? *)', '--package', out],
      OSLS_TIMEOUT_MS,
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/config\/schedule\.yaml: schedules\.office-hours\.start: .*02:30/);
    expect(existsSync(join(out, 'ges-offhours.zip'))).toBe(true);
    const template = JSON.parse(
      readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as {
      Resources: Record<string, { Type: string; Properties: { ScheduleExpression?: string } }>;
    };
    const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(['cron(0/15 * * * ? *)']);
  });
});

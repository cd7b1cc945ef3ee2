import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../scripts/cli/args.js';

describe('parseCliArgs: the command line of npm run invoke', () => {
  it.each([
    { name: 'nothing', argv: [], expected: { kind: 'run', event: undefined, json: false, yes: false } },
    {
      name: 'an event',
      argv: ['{"dryRun":true}'],
      expected: { kind: 'run', event: { value: { dryRun: true } }, json: false, yes: false },
    },
    {
      name: 'an explicit {}',
      argv: ['{}'],
      expected: { kind: 'run', event: { value: {} }, json: false, yes: false },
    },
    // JSON null is an event (the handler treats it as a scheduled run), not the absence of one.
    {
      name: 'null',
      argv: ['null'],
      expected: { kind: 'run', event: { value: null }, json: false, yes: false },
    },
    {
      name: '--json after the event',
      argv: ['{}', '--json'],
      expected: { kind: 'run', event: { value: {} }, json: true, yes: false },
    },
    { name: '-y', argv: ['-y'], expected: { kind: 'run', event: undefined, json: false, yes: true } },
    {
      name: '--yes and --json',
      argv: ['--yes', '--json'],
      expected: { kind: 'run', event: undefined, json: true, yes: true },
    },
    { name: '--help', argv: ['--help'], expected: { kind: 'help' } },
    { name: '-h among other arguments', argv: ['{}', '-h'], expected: { kind: 'help' } },
  ])('reads $name', ({ argv, expected }) => {
    expect(parseCliArgs(argv)).toEqual(expected);
  });

  it.each([
    { name: 'JSON with unquoted keys', argv: ['{dryRun:true}'], words: 'the event is not JSON' },
    {
      name: 'an event split by the shell',
      argv: ['{"action":', '"plan"}'],
      words: 'expected one event, got 2 arguments',
    },
    { name: 'an unknown flag', argv: ['--dry-run'], words: "Unknown option '--dry-run'" },
    { name: 'a value for a flag that takes none', argv: ['--json=yes'], words: '--json' },
  ])('refuses $name', ({ argv, words }) => {
    const parsed = parseCliArgs(argv);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.message).toContain(words);
  });
});

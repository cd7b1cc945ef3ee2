/**
 * `npm run sandbox [-- fixture.yaml] [options]`: runs the GES sandbox in the foreground with a
 * fixture (default sandbox/fixtures/demo.yaml) on port 8731, prints how to reach it and a line per
 * request, and stops cleanly on Ctrl-C / SIGTERM. `--help` lists every option.
 */
import '../scripts/quiet-sdk.js';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dynamoLedger } from '../lib/ledger/dynamo.js';
import {
  type CliCommand,
  DEFAULT_PORT,
  LEDGER_TABLE,
  parseCliArgs,
  type ServeCommand,
  UsageError,
} from './cli-args.js';
import { withFailingStarts } from './cli-night.js';
import { describeFixture, helpText, ledgerEnv, requestLine, USAGE } from './cli-text.js';
import { createLedgerTable, type DynamoEmulator, EMULATOR_CLIENT, startDynamo } from './dynamo.js';
import { loadFixture, type SandboxFixture } from './fixture.js';
import { GesSandbox } from './server.js';
import { SimulatedClock, simulateWeek } from './week.js';

/** The config --week runs: it names the default fixture's graphs. */
const SANDBOX_CONFIG = fileURLToPath(new URL('../config/schedule.sandbox.yaml', import.meta.url));

async function main(): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(error.exitCode);
  }
  if (command.kind === 'help') {
    const fixture = await loadFixture(command.fixture).catch((error: unknown) => error as Error);
    process.stdout.write(`${helpText(shown(command.fixture), fixture)}\n`);
    return;
  }
  await serve(command, await loadFixture(command.fixture));
}

async function serve(command: ServeCommand, loaded: SandboxFixture): Promise<void> {
  const fixture: SandboxFixture = {
    ...loaded,
    graphs: withFailingStarts(loaded.graphs, command.failStarts),
    ...(command.readLagMs === undefined ? {} : { readLagMs: command.readLagMs }),
    ...(command.startJobDurationMs === undefined ? {} : { startJobDurationMs: command.startJobDurationMs }),
  };
  const rateLimit = command.rateLimit ?? fixture.rateLimit;
  // Real time, except while --week runs the past week on it.
  const clock = new SimulatedClock();
  let simulating = false;
  let sandbox: GesSandbox;
  try {
    sandbox = await GesSandbox.start({
      ...fixture,
      host: command.host,
      port: command.port,
      faults: [...command.faults, ...(fixture.faults ?? [])],
      ...(rateLimit ? { rateLimit } : {}),
      ...(command.windowLimit ? { windowLimit: command.windowLimit } : {}),
      ...(command.randomThrottle ? { randomThrottle: command.randomThrottle } : {}),
      ...(command.latencyMs === undefined ? {} : { latencyMs: command.latencyMs }),
      clock: clock.now,
      ...(command.quiet
        ? {}
        : { onSettled: (r) => simulating || process.stdout.write(`${requestLine(r)}\n`) }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(
        `port ${command.port} on ${command.host} is in use: stop what holds it, or pass --port 0 ` +
          '(any free port) and set that port in the endpoint of your config',
      );
    throw error;
  }

  const ledger = command.ledgerPort === undefined ? undefined : await startLedger(command);
  let week: string | undefined;
  if (command.week && ledger) {
    simulating = true;
    week = await runWeek(sandbox, ledger, fixture, clock);
    simulating = false;
  }
  const served = { ...fixture, ...(rateLimit ? { rateLimit } : {}) };
  const lines = [
    `GES sandbox listening on ${sandbox.url}`,
    ...describeFixture(served, shown(command.fixture)),
    ...(ledger
      ? [
          `DynamoDB emulator (the ledger of stop windows, in memory) on ${ledger.endpoint}; point the function at it:`,
          ...ledgerEnv(ledger.endpoint).map((l) => `  ${l}`),
        ]
      : []),
  ];
  if (command.faults.length > 0) lines.push(`  ${command.faults.length} fault rule(s) from --fault`);
  const port = new URL(sandbox.url).port;
  if (port !== String(DEFAULT_PORT))
    lines.push(
      `note: config/schedule.sandbox.yaml sends to port ${DEFAULT_PORT}, not ${port}: use a copy of it with ` +
        `endpoint: ${sandbox.url} (or whatever listens on ${DEFAULT_PORT} gets your runs)`,
    );
  if (week) lines.push(week);
  lines.push('Ctrl-C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const throttled = sandbox.count({ fault: 'throttle' });
    process.stdout.write(
      `\n${signal}: ${sandbox.requests.length} requests served (${throttled} throttled); closing\n`,
    );
    Promise.all([sandbox.close(), ledger?.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** --week: the past seven days of scheduled runs, and what they did. */
async function runWeek(
  sandbox: GesSandbox,
  emulator: DynamoEmulator,
  fixture: SandboxFixture,
  clock: SimulatedClock,
): Promise<string> {
  const account = fixture.accounts[0];
  if (!account) throw new Error('--week needs an account in the fixture');
  process.stdout.write(
    `Running the function over the past 7 days (${shown(SANDBOX_CONFIG)}, simulated time)…\n`,
  );
  const ledger = dynamoLedger({
    table: LEDGER_TABLE,
    client: { ...EMULATOR_CLIENT, endpoint: emulator.endpoint },
  });
  try {
    const week = await simulateWeek({
      configPath: SANDBOX_CONFIG,
      sandbox,
      clock,
      ledger,
      credentials: account,
    });
    return (
      `A week simulated from ${week.from.toISOString()} to ${week.to.toISOString()}: ${week.runs} scheduled runs, ` +
      `${week.stopped} stops, ${week.started} starts${week.failedRuns > 0 ? `; ${week.failedRuns} runs had a failed graph (flaky-stop's stop job fails on purpose)` : ''}, ` +
      `in ${(week.elapsedMs / 1000).toFixed(1)} s. With the exports above:\n` +
      '  export SCHEDULE_CONFIG=config/schedule.sandbox.yaml\n' +
      '  npm run report\n' +
      '  npm run report -- --html savings.html\n' +
      '  npm run report -- --history fraud-detection'
    );
  } finally {
    ledger.destroy();
  }
}

/** dynalite on the ledger port, with the ledger table created. */
async function startLedger(command: ServeCommand): Promise<DynamoEmulator> {
  let emulator: DynamoEmulator;
  try {
    emulator = await startDynamo({ host: command.host, port: command.ledgerPort ?? 0 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(
        `port ${command.ledgerPort} is in use: pass --ledger-port 0 (any free port) or --no-ledger`,
      );
    throw error;
  }
  await createLedgerTable(emulator.endpoint, LEDGER_TABLE);
  return emulator;
}

/** A path as the user would type it from here. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? error.exitCode : 1);
});

/**
 * `npm run sandbox [-- fixture.yaml] [options]`: runs the GES sandbox in the foreground with a
 * fixture (default sandbox/fixtures/demo.yaml) on port 8731, prints how to reach it and a line per
 * request, and stops cleanly on Ctrl-C / SIGTERM. `--help` lists every option.
 */
import '../scripts/quiet-sdk.js';
import { relative } from 'node:path';
import { type CliCommand, LEDGER_TABLE, parseCliArgs, type ServeCommand, UsageError } from './cli-args.js';
import { withFailingStarts } from './cli-night.js';
import { describeFixture, helpText, ledgerEnv, requestLine, USAGE } from './cli-text.js';
import { createLedgerTable, type DynamoEmulator, startDynamo } from './dynamo.js';
import { loadFixture, type SandboxFixture } from './fixture.js';
import { GesSandbox } from './server.js';

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
      ...(command.quiet ? {} : { onSettled: (r) => process.stdout.write(`${requestLine(r)}\n`) }),
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

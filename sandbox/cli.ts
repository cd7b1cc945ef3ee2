/**
 * `npm run sandbox [-- fixture.yaml] [--port N] [--host H]`: runs the GES sandbox in the foreground
 * with a fixture (default sandbox/fixtures/demo.yaml), prints how to reach it, and stops
 * cleanly on Ctrl-C / SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadFixture } from './fixture.js';
import { GesSandbox, type SandboxGraph } from './server.js';

const DEFAULT_FIXTURE = fileURLToPath(new URL('./fixtures/demo.yaml', import.meta.url));
const USAGE = 'usage: npm run sandbox -- [fixture.yaml|fixture.json] [--port N] [--host 127.0.0.1]';

const STATUS_NAMES: Readonly<Record<string, string>> = {
  '200': 'running',
  '900': 'stopped',
  '901': 'stopping',
  '920': 'starting',
  '100': 'preparing',
  '202': 'importing',
  '903': 'backing up',
  '300': 'faulty',
  '303': 'creation failed',
  '400': 'deleted',
  '800': 'frozen',
};

function parseCli(argv: string[]): { fixture: string; port: number; host: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1) throw new Error(`expected at most one fixture path\n${USAGE}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535\n${USAGE}`);
  return { fixture: positionals[0] ?? DEFAULT_FIXTURE, port, host: values.host ?? '127.0.0.1' };
}

function describeGraph(g: SandboxGraph): string {
  const status = `${g.status} ${STATUS_NAMES[g.status] ?? ''}`.trim();
  const job = g.stopJob && g.stopJob !== 'success' ? `  (jobs end: ${g.stopJob})` : '';
  return `    ${g.id}  ${status.padEnd(16)} ${g.name}${job}`;
}

async function main(): Promise<void> {
  const { fixture: path, port, host } = parseCli(process.argv.slice(2));
  const fixture = await loadFixture(path);
  const sandbox = await GesSandbox.start({ ...fixture, host, port });

  const lines = [`GES sandbox listening on ${sandbox.url}`, `  fixture: ${path}`, '  credentials:'];
  for (const account of fixture.accounts) {
    const scope = account.projectIds ? `projects ${account.projectIds.join(', ')}` : 'all projects';
    lines.push(`    AK ${account.ak}  SK ${account.sk}  (${scope})`);
  }
  const byProject = new Map<string, SandboxGraph[]>();
  for (const g of sandbox.graphs()) byProject.set(g.projectId, [...(byProject.get(g.projectId) ?? []), g]);
  for (const [projectId, graphs] of byProject) {
    lines.push(`  project ${projectId}: ${graphs.length} graph${graphs.length === 1 ? '' : 's'}`);
    lines.push(...graphs.map(describeGraph));
  }
  lines.push(`  jobs take ${fixture.jobDurationMs ?? 50} ms. Ctrl-C to stop.`);
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: ${sandbox.requests.length} requests served; closing`);
    sandbox.close().then(
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/** What `npm run sandbox` prints: the help, the banner once listening, and a line per request. */
import { DEFAULT_HOST, DEFAULT_LEDGER_PORT, DEFAULT_PORT, LEDGER_TABLE } from './cli-args.js';
import type { SandboxFixture } from './fixture.js';
import { defaultBurst } from './rate-limit.js';
import { DEFAULT_RANDOM_THROTTLE_MESSAGE } from './throttles.js';
import type { RateLimit, RecordedRequest, SandboxGraph } from './types.js';

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

export const USAGE = 'usage: npm run sandbox -- [fixture.yaml|fixture.json] [options]   (--help for more)';

const OPTIONS = `Options:
  -p, --port N          port to listen on (default ${DEFAULT_PORT}, the one config/schedule.sandbox.yaml
                        uses; 0 = any free port)
      --host ADDRESS    address to listen on (default ${DEFAULT_HOST})
      --rate N          the API gateway's rate limit: N requests a second per access key, all its
                        projects and calls together (may be fractional, e.g. 0.5). Over it the
                        answer is 429 APIG.0308 and nothing is carried out.
      --burst N         requests an idle access key may send at once (default N of --rate, at least 1)
      --retry-after V   Retry-After on a throttled answer: none (default, as the gateway mostly
                        does), seconds (whole seconds until the key's next token) or a fixed N
      --policy NAME     the policy the gateway's 429 names for --rate and --window: user (default),
                        ip, app or api (the API's total, shared with every other caller)
      --other-client N  another client spends N requests a second of each key's --rate bucket
      --window LIMIT/PERIOD
                        a fixed-window quota per access key, e.g. 120/minute or 20/10s: once the
                        window's LIMIT is spent, everything is refused (429 stating
                        limit:120,time:1 minute) until the next window
      --random-throttle SHARE[:RETRY_AFTER]
                        answer 429 APIG.0308 to a share 0..1 of requests at random, whatever the
                        rate, with Retry-After in whole seconds when given
      --throttle-message TEXT
                        the random 429s' error_msg (default: an api policy, 1000 a second:
                        ${DEFAULT_RANDOM_THROTTLE_MESSAGE.split(': ')[1]})
      --fault RULE      inject a fault; repeat for several, tried in order before the fixture's:
                          KINDS[/GRAPHS]:[acted:]EFFECT[:GESCODE][@RATE]
                          KINDS   list, get, stop, start, job, jobs (the v2 job centre) or any;
                                  several with commas
                          GRAPHS  only requests about these graph ids, with commas (a list or the
                                  job centre names no graph, so never matches)
                          EFFECT  an HTTP status 400..599 (answered without carrying the call out),
                                  reset, hang, lose-answer (stop carried out, answer dropped) or
                                  malformed (a 200 whose body is not JSON)
                          acted:  before a status: carry the call out (a stop or start really
                                  happens), then answer that status anyway (a gateway's 503)
                          RATE    share of matching requests hit, 0..1 (default 1)
                        e.g. --fault stop:503   --fault list,get:reset@0.3   --fault stop:acted:503
                             --fault stop:400:GES.7006 ("retry later", as GES sends it)
                             --fault get/GRAPH_ID:500   --fault stop/GRAPH_ID:lose-answer
      --read-lag MS     for MS milliseconds after a stop or start is accepted, list and get still
                        show the graph's status from before it (job status and job centre do not lag)
      --start-job-ms MS how long start jobs run (default the fixture's jobDurationMs): GES starts
                        take minutes
      --fail-starts IDS make these graphs' start jobs fail (comma-separated graph ids; repeatable):
                        the graph falls back to 900 (stopped) when the job ends
      --latency MS      add MS milliseconds to every request
      --ledger-port N   port of the DynamoDB emulator (dynalite, in memory) that holds the ledger of
                        stop windows, table ${LEDGER_TABLE} (default ${DEFAULT_LEDGER_PORT}; 0 = any free port)
      --no-ledger       start no DynamoDB emulator
      --week            before serving, run the function as EventBridge would over the past 7 days
                        (config/schedule.sandbox.yaml, default fixture, simulated time), so that
                        \`npm run report\` and \`npm run report -- --html FILE\` have a week to show
  -q, --quiet           no line per request
  -h, --help            this help`;

/** The full `--help`: what the sandbox is, its flags, what the fixture serves and how to use it. */
export function helpText(fixturePath: string, fixture: SandboxFixture | Error): string {
  const serves =
    fixture instanceof Error
      ? [`The fixture could not be read: ${fixture.message}`]
      : describeFixture(fixture, fixturePath);
  const account = fixture instanceof Error ? undefined : fixture.accounts[0];
  return [
    USAGE.replace('   (--help for more)', ''),
    '',
    'A local stand-in for the Huawei Cloud GES management API (v1.0 and v2) on plain HTTP, for trying',
    'the function without a Huawei account. It checks AK/SK request signatures like the API gateway,',
    'serves graphs and stop/start jobs from memory (nothing persists across restarts), and can',
    'throttle and inject faults. It is never deployed.',
    '',
    'Arguments:',
    '  fixture.yaml          accounts, graphs and behaviour (default sandbox/fixtures/demo.yaml; format',
    '                        in sandbox/fixture.ts)',
    '',
    OPTIONS,
    '',
    ...serves,
    '',
    'Point the function at it, in another terminal:',
    `  export HUAWEICLOUD_SDK_AK=${account?.ak ?? '<an AK above>'}`,
    `  export HUAWEICLOUD_SDK_SK=${account?.sk ?? '<its SK>'}`,
    '  export SCHEDULE_CONFIG=config/schedule.sandbox.yaml',
    '  unset GES_CREDENTIALS_SECRET   # else the function reads credentials from Secrets Manager',
    ...ledgerEnv(`http://${DEFAULT_HOST}:${DEFAULT_LEDGER_PORT}`).map((line) => `  ${line}`),
    `  npm run invoke -- '{"action":"plan"}'`,
    `  npm run invoke -- '{"action":"reconcile","dryRun":true}'`,
    `config/schedule.sandbox.yaml expects the default fixture on port ${DEFAULT_PORT}. README.md, "Try it locally".`,
  ].join('\n');
}

/** The access keys and the graphs by project, as help and banner show them. */
export function describeFixture(fixture: SandboxFixture, fixturePath: string): string[] {
  const lines = [`Serves (fixture ${fixturePath}):`, '  access keys (AK/SK pairs it accepts):'];
  for (const account of fixture.accounts) {
    const scope = account.projectIds ? `project ${account.projectIds.join(', ')} only` : 'all projects';
    lines.push(`    AK ${account.ak}  SK ${account.sk}  (${scope})`);
  }
  const byProject = new Map<string, SandboxGraph[]>();
  for (const g of fixture.graphs) byProject.set(g.projectId, [...(byProject.get(g.projectId) ?? []), g]);
  for (const [projectId, graphs] of byProject) {
    lines.push(`  project ${projectId}: ${graphs.length} graph${graphs.length === 1 ? '' : 's'}`);
    lines.push(...graphs.map(describeGraph));
  }
  const jobMs = fixture.jobDurationMs ?? 50;
  const starts = fixture.startJobDurationMs ?? jobMs;
  const lag = fixture.readLagMs ? `; reads lag ${fixture.readLagMs} ms` : '';
  lines.push(
    `  jobs take ${jobMs} ms${starts === jobMs ? '' : ` (starts ${starts} ms)`}${lag}; ${describeRateLimit(fixture.rateLimit)}`,
  );
  if (fixture.faults?.length) lines.push(`  ${fixture.faults.length} fault rule(s) from the fixture`);
  return lines;
}

export function describeRateLimit(limit: RateLimit | undefined): string {
  if (!limit) return 'no rate limit';
  const burst = limit.burst ?? defaultBurst(limit.requestsPerSecond);
  const after = limit.retryAfter ?? 'none';
  const retry =
    after === 'none'
      ? 'no Retry-After'
      : `Retry-After ${after === 'seconds' ? 'until the next token' : `${after} s`}`;
  const policy = limit.policy && limit.policy !== 'user' ? `, policy ${limit.policy}` : '';
  const other = limit.otherClientPerSecond
    ? `, ${limit.otherClientPerSecond}/s of it spent by another client`
    : '';
  return `rate limit ${limit.requestsPerSecond}/s per access key, burst ${burst}, ${retry}${policy}${other}`;
}

function describeGraph(g: SandboxGraph): string {
  const status = `${g.status} ${STATUS_NAMES[g.status] ?? ''}`.trim();
  const jobs = [
    g.stopJob && g.stopJob !== 'success' ? `stop jobs end: ${g.stopJob}` : '',
    g.startJob && g.startJob !== 'success' ? `start jobs end: ${g.startJob}` : '',
    g.readLagMs ? `reads lag ${g.readLagMs} ms` : '',
  ].filter(Boolean);
  return `    ${g.id}  ${status.padEnd(16)} ${g.name}${jobs.length ? `  (${jobs.join('; ')})` : ''}`;
}

/** One line per settled request: `#12 POST /v2/…/stop → 429 (throttle)`. */
export function requestLine(r: RecordedRequest): string {
  const query = new URLSearchParams(r.query).toString();
  const fault = r.fault ? ` (${r.fault})` : '';
  return `#${r.seq} ${r.method} ${r.path}${query ? `?${query}` : ''} → ${r.status}${fault}`;
}

/** What points the function at the emulator's ledger (the SDK needs a region and some credentials). */
export function ledgerEnv(endpoint: string): string[] {
  return [
    `export LEDGER_TABLE=${LEDGER_TABLE} AWS_ENDPOINT_URL_DYNAMODB=${endpoint}`,
    'export AWS_REGION=eu-central-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local   # any values do',
  ];
}

/** `npm run invoke` arguments: the event (JSON) and a few flags. Pure. */
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run invoke -- [<event-json>] [--at <instant>] [--json] [--yes]

Runs the function once on this machine, as Lambda would: the config from SCHEDULE_CONFIG (default
config/schedule.yaml), Huawei credentials from GES_CREDENTIALS_SECRET (read with your AWS profile)
or HUAWEICLOUD_SDK_AK/_SK, against the GES endpoints in the config.

  <event-json>  the event, as the deployed function takes it. Without one you are asked, and a
                dry run is the default; without a terminal to ask on, pass the event.
  --at <instant> rehearse: decide as at this ISO-8601 instant (schedules, skipUntil, the pause and
                the ledger as they stand then), against today's graph states; a dry run only.
                Alone it means '{"dryRun":true,"at":...}'; with an event it adds "at" to it
  --json        print the structured log lines and the summary (one JSON object per line), as
                the Lambda logs them, instead of the table
  --yes, -y     with no event, do the dry run without asking (it never means a real run)
  --help, -h    this text

examples:
  npm run invoke -- '{"action":"plan"}'                                each graph's state now (no GES call)
  npm run invoke -- '{"action":"plan","at":"2026-03-29T01:30:00Z"}'     ... at another instant
  npm run invoke -- '{"dryRun":true}'                                   what a scheduled run would stop now
  npm run invoke -- --at 2026-12-07T07:05:00Z                           what tomorrow morning's run would do
  npm run invoke -- '{}'                                                a scheduled run, for real
  npm run invoke -- '{"action":"pause","until":"2026-12-28T08:00:00Z","reason":"holiday freeze"}'
  npm run invoke -- '{"action":"resume"}'                               scheduled runs act again
  npm run invoke -- '{"action":"stop","graphs":["fraud-detection"]}'   stop these graphs now
  npm run invoke -- '{"action":"stop","graphs":"all","dryRun":true}'    what stopping every graph would do
  npm run invoke -- '{"action":"stop","graphs":"all"}'                  stop every configured graph now
  npm run invoke -- --json '{"dryRun":true}'                            JSON lines, for scripts

exit status: 0 the run finished and no graph failed; 1 some graphs failed; 2 nothing was run
(bad arguments, event or config; no credentials for any project; cancelled at the question).
INVOKE_TIMEOUT_SECONDS (default 300, as deployed) bounds the run like the Lambda timeout.
On a terminal, a progress line every few seconds: graphs settled of total, requests, throttled, req/s.
`;

export type CliArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly message: string }
  | {
      readonly kind: 'run';
      /** The parsed event; `undefined` when none was given (not when the JSON said `null`). */
      readonly event: { readonly value: unknown } | undefined;
      readonly json: boolean;
      readonly yes: boolean;
    };

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    return { kind: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length > 1) {
    return {
      kind: 'invalid',
      message: `expected one event, got ${positionals.length} arguments: quote the JSON as one argument, '{"dryRun":true}'`,
    };
  }
  const json = values.json ?? false;
  const yes = values.yes ?? false;
  const [raw] = positionals;
  const { at } = values;
  if (raw === undefined) {
    // `--at` alone: the rehearsal of a scheduled run at that instant.
    return { kind: 'run', event: at === undefined ? undefined : { value: { dryRun: true, at } }, json, yes };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', message: `the event is not JSON (${why}): ${raw}` };
  }
  if (at === undefined) return { kind: 'run', event: { value }, json, yes };
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'at' in value) {
    return { kind: 'invalid', message: '--at adds "at" to an event object that has none: give "at" once' };
  }
  // The event says whether it is a dry run: without "dryRun": true the function refuses "at".
  return { kind: 'run', event: { value: { ...value, at } }, json, yes };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      at: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * `npm run invoke -- '<event json>'`: runs the Lambda handler on this machine with your config
 * (SCHEDULE_CONFIG, default config/schedule.yaml) and credentials (GES_CREDENTIALS_SECRET with your
 * AWS profile, or HUAWEICLOUD_SDK_AK/SK), against the real GES endpoints in the config.
 *   npm run invoke -- '{"action":"plan"}'
 *   npm run invoke -- '{"action":"stop","graphs":["fraud-detection"],"dryRun":true}'
 * INVOKE_TIMEOUT_SECONDS (default 300, as deployed) bounds the run like the Lambda timeout.
 */
import { lambdaContext } from '../sandbox/lambda-context.js';

const [raw = '{}', ...rest] = process.argv.slice(2);
if (rest.length > 0 || raw === '--help' || raw === '-h') {
  process.stderr.write(`usage: npm run invoke -- '<event json>'   (default {} = a scheduled run)\n`);
  process.exit(2);
}
let event: unknown;
try {
  event = JSON.parse(raw);
} catch (error) {
  process.stderr.write(`the event is not JSON: ${(error as Error).message}\n`);
  process.exit(2);
}
const timeoutSeconds = Number(process.env.INVOKE_TIMEOUT_SECONDS ?? 300);
const { handler } = await import('../functions/stop-graphs.js');
try {
  await handler(event, lambdaContext(timeoutSeconds * 1000));
} catch {
  // The handler has logged the summary or the reason it refused the run.
  process.exitCode = 1;
}

/**
 * `npm run report -- [--from …] [--to …] [--csv]`: the savings report from the ledger
 * (LEDGER_TABLE) and the config (SCHEDULE_CONFIG); `--help` for more.
 */
import './quiet-sdk.js';
import { main } from './report/main.js';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

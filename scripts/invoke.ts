/**
 * `npm run invoke -- '<event json>' [--json] [--yes]`: runs the function on this machine with your
 * config (SCHEDULE_CONFIG) and credentials against the real GES endpoints; `--help` for more.
 */
import './quiet-sdk.js';
import { createInterface } from 'node:readline';
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  ask,
});

/** One line from the terminal; `undefined` on Ctrl-C or Ctrl-D. */
function ask(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    let answer: string | undefined;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => resolve(answer));
    rl.question(question, (line) => {
      answer = line;
      rl.close();
    });
  });
}

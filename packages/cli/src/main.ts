import { EXIT_INTERRUPTED } from './errors';
import { runCli } from './program';

// The AWS SDK's 8-line notice that it will drop Node 20 in 2027 would bury every command's output; the project
// supports Node 20. The SDK checks it when the first client is built, which is after this line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The process entry of the `idp-sync` bin: Ctrl-C asks the running command to stop (a replay after the messages in
 * flight, `start` after the batches in flight); a second Ctrl-C exits at once.
 */
const argv = process.argv.slice(2);
// `idp-sync dlq list | head`: the reader leaving early is not a failure of the command (it was an unhandled EPIPE).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}
const controller = new AbortController();
let interrupts = 0;
const onSigint = () => {
  interrupts++;
  if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
  // runCli prints the notice (after stopping a progress bar, which would draw over it).
  controller.abort();
};
process.on('SIGINT', onSigint);

const code = await runCli(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
});
process.off('SIGINT', onSigint);
process.exitCode = code;

/**
 * What the first Ctrl-C prints, per command: only `dlq replay` has "messages in flight"; `start` prints its own
 * stopping line, so it only needs to say how to quit at once.
 *
 * @example
 * interruptNotice(['dlq', 'replay', '--status', '5xx']) // 'Stopping after the messages in flight (…)…'
 */
export function interruptNotice(argv: readonly string[]): string {
  const words = argv.filter((a) => !a.startsWith('-'));
  const again = 'Ctrl-C again to quit at once';
  if (words[0] === 'dlq' && words[1] === 'replay') return `Stopping after the messages in flight (${again})…`;
  if (words[0] === 'start') return `(${again})`;
  return `Stopping (${again})…`;
}

import { createInterface } from 'node:readline/promises';
import type { CliIo } from './io';

/**
 * Asks a yes/no question on the terminal (question on stderr, answer from stdin). Only "y" or "yes" is a yes.
 *
 * @example
 * if (!(await confirm(io, 'Replay 12 messages? [y/N] '))) return;
 */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const answer = await rl.question(question, { signal: io.signal ?? new AbortController().signal });
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    // Ctrl-C or end of input while asking: no.
    return false;
  } finally {
    rl.close();
  }
}

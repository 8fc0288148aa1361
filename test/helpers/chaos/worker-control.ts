import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const SCRIPT = join(HERE, 'worker-process.ts');

export interface WorkerStats {
  batches: number;
  records: number;
  succeeded: number;
  failed: number;
  wholeBatchFailures: number;
  receiveErrors: number;
}

/**
 * A worker process (`worker-process.ts`) that can be SIGKILLed mid-batch and replaced. Counts what its batches
 * reported; `inFlight` is the number of batches it has started and not finished.
 *
 * @example
 * const worker = await WorkerProcess.start({ ...process.env, CHAOS_QUEUE_ARN: arn });
 * await worker.kill();
 */
export class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly stats: WorkerStats;
  #inFlight = 0;
  #stderr = '';

  private constructor(child: ChildProcess, stats: WorkerStats) {
    this.#child = child;
    this.stats = stats;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Starts a worker process and resolves once its handlers are initialised and it is polling. */
  static async start(env: NodeJS.ProcessEnv, stats: WorkerStats, readyTimeoutMs = 90_000): Promise<WorkerProcess> {
    // Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild that a SIGKILL of the
    // CLI would leave running. stdin is a pipe the worker watches: if this process dies, the worker exits too.
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(child, stats);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`the worker process was not ready within ${readyTimeoutMs} ms: ${worker.#stderr.slice(-500)}`),
          ),
        readyTimeoutMs,
      );
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
          if (!line.startsWith('CHAOS ')) continue;
          const event = JSON.parse(line.slice(6)) as { type: string } & Record<string, number | string | undefined>;
          if (event.type === 'ready') {
            clearTimeout(timer);
            resolve();
          } else if (event.type === 'start') worker.#inFlight++;
          else if (event.type === 'batch') {
            worker.#inFlight = Math.max(0, worker.#inFlight - 1);
            stats.batches++;
            stats.records += Number(event.size ?? 0);
            stats.succeeded += Number(event.succeeded ?? 0);
            stats.failed += Number(event.failed ?? 0);
            if (event.wholeBatchFailure) stats.wholeBatchFailures++;
          } else if (event.type === 'receive-error') stats.receiveErrors++;
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        worker.#stderr = (worker.#stderr + chunk.toString()).slice(-4000);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the worker process exited (${code}) before it was ready: ${worker.#stderr.slice(-500)}`));
      });
    });
    try {
      await ready;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return worker;
  }

  /** SIGKILL: the process dies wherever it is, mid-request and mid-batch included. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
    this.#inFlight = 0;
  }

  /** SIGTERM: the event source stops receiving and lets its batches finish. */
  async stop(timeoutMs = 60_000): Promise<void> {
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** The last lines it wrote to stderr (for a report when something went wrong). */
  get stderrTail(): string {
    return this.#stderr;
  }
}

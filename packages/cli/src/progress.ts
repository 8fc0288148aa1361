import cliProgress from 'cli-progress';
import type { OutputStream } from './io';

/** The counts a replay reports as it goes. */
export interface ProgressCounts {
  moved: number;
  skipped: number;
  failed: number;
}

/**
 * Replay progress on stderr: a bar with moved / skipped / failed on a terminal; on anything else (a pipe, a CI log)
 * a plain line at most every 5 seconds, so logs stay readable.
 *
 * @example
 * const progress = new ReplayProgressDisplay(io.stderr, 120);
 * progress.update({ moved: 10, skipped: 0, failed: 0 });
 * progress.stop();
 */
export class ReplayProgressDisplay {
  private readonly bar: cliProgress.SingleBar | undefined;
  private lastLine = 0;
  private total: number;

  constructor(
    private readonly stream: OutputStream,
    total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.total = Math.max(total, 1);
    this.lastLine = now();
    if (stream.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream,
          format:
            'replay [{bar}] {value}/{total} | moved {moved} | skipped {skipped} | failed {failed} | {eta_formatted} left',
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, 0, { moved: 0, skipped: 0, failed: 0 });
    }
  }

  update(counts: ProgressCounts): void {
    const done = counts.moved + counts.skipped + counts.failed;
    if (done > this.total) {
      // The DLQ count is approximate, and messages can arrive while replaying.
      this.total = done;
      this.bar?.setTotal(done);
    }
    if (this.bar) {
      this.bar.update(done, { ...counts });
      return;
    }
    if (this.now() - this.lastLine >= 5000) {
      this.lastLine = this.now();
      this.stream.write(`replay: ${counts.moved} moved, ${counts.skipped} skipped, ${counts.failed} failed\n`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

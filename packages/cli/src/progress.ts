import cliProgress from 'cli-progress';
import type { OutputStream } from './io';

/** The counts a replay reports as it goes. */
export interface ProgressCounts {
  moved: number;
  failed: number;
  /** Selected, but held back behind an earlier message of the same person that is not replayed. */
  heldBack: number;
}

/** The bars drawing on each stream right now, so that an interrupt can stop them before it prints. */
const drawing = new WeakMap<OutputStream, Set<ReplayProgressDisplay>>();

/**
 * Stops every progress bar drawing on `stream` (its last state stays on its own line), so that what is printed next
 * starts on a fresh line and is not drawn over. Returns whether there was one.
 *
 * @example
 * const hadBar = stopProgressOn(io.stderr);
 * io.stderr.write(`${hadBar ? '' : '\n'}Stopping…\n`);
 */
export function stopProgressOn(stream: OutputStream): boolean {
  const bars = [...(drawing.get(stream) ?? [])];
  for (const bar of bars) bar.stop();
  return bars.length > 0;
}

/**
 * Replay progress on stderr: a bar with moved / failed / held back on a terminal; on anything else (a pipe, a CI log)
 * a plain line at most every 5 seconds, so logs stay readable. The total is the messages selected (what the
 * confirmation announced); messages not selected are not part of it.
 *
 * @example
 * const progress = new ReplayProgressDisplay(io.stderr, 120);
 * progress.update({ moved: 10, failed: 0, heldBack: 0 });
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
            'replay [{bar}] {value}/{total} selected | moved {moved} | failed {failed} | held back {heldBack} | {eta_formatted} left',
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, 0, { moved: 0, failed: 0, heldBack: 0 });
      const bars = drawing.get(stream) ?? new Set();
      bars.add(this);
      drawing.set(stream, bars);
    }
  }

  /** How many selected messages the bar counts as done (moved, failed or held back). */
  static done(counts: ProgressCounts): number {
    return counts.moved + counts.failed + counts.heldBack;
  }

  update(counts: ProgressCounts): void {
    const done = ReplayProgressDisplay.done(counts);
    if (done > this.total) {
      // The selection is counted before the replay (approximately, and FIFO hides messages behind others); more
      // matching messages can come up while replaying.
      this.total = done;
      this.bar?.setTotal(done);
    }
    const { moved, failed, heldBack } = counts;
    if (this.bar) {
      this.bar.update(done, { moved, failed, heldBack });
      return;
    }
    if (this.now() - this.lastLine >= 5000) {
      this.lastLine = this.now();
      this.stream.write(
        `replay: ${done}/${this.total} selected: ${moved} moved, ${failed} failed, ${heldBack} held back\n`,
      );
    }
  }

  /** Draws the last state and moves below it; later updates draw nothing (a stopped bar stays stopped). */
  stop(): void {
    // cli-progress restores the cursor to where the bar started: anything written to the stream while it draws would
    // be drawn over, hence the interrupt notice waits for this.
    this.bar?.stop();
    drawing.get(this.stream)?.delete(this);
  }
}

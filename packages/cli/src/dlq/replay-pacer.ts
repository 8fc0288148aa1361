/**
 * The pace of a DLQ replay (`dlq replay --rate`): spaces sends to at most `ratePerSecond` messages per second on
 * average, shared by every concurrent sender.
 * Each call reserves its slots first, then sleeps until the first of them, so callers never race for the same slot.
 *
 * @example
 * const pacer = new ReplayPacer(50);
 * await pacer.take(10, signal); // waits as long as 10 messages at 50/s need
 */
export class ReplayPacer {
  private next = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  }

  /** Waits until `count` more messages may be sent. Returns early (without waiting further) when `signal` aborts. */
  async take(count: number, signal?: AbortSignal): Promise<void> {
    const interval = 1000 / this.ratePerSecond;
    const now = this.now();
    const start = Math.max(now, this.next);
    this.next = start + count * interval;
    const wait = start - now;
    if (wait > 0) await this.sleep(wait, signal);
  }
}

/**
 * `setTimeout` as a promise that resolves early when the signal aborts.
 *
 * @example
 * await abortableSleep(1000, controller.signal);
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

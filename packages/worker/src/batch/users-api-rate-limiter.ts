export interface UsersApiRateLimiterOptions {
  /** The ceiling: requests per second this limiter lets through at most. */
  ratePerSecond: number;
  /** Requests that may go at once after an idle spell. Default 1 (evenly spaced). */
  burst?: number;
  /** The floor the rate falls to under repeated 429s, as a fraction of `ratePerSecond`. Default 0.1. */
  minFraction?: number;
  /** Pause after a 429 without `Retry-After`, in ms. Default one second. */
  defaultPauseMs?: number;
  /** Monotonic clock in ms; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Counters a limiter keeps, read by the worker for its metrics. */
export interface UsersApiRateLimiterStats {
  /** Requests let through. */
  requests: number;
  /** 429 answers reported back. */
  rateLimited: number;
  /** Total ms callers spent waiting for a slot. */
  waitedMs: number;
}

/**
 * A shared request budget toward the Users API: evenly spaced slots at the current rate (a GCRA token bucket),
 * paused for the server's `Retry-After` when it answers 429, and adaptive — a 429 cuts the rate by a quarter, each
 * success wins a little back up to the ceiling — so a burst never becomes a storm of 429s and 429s slow the worker
 * rather than fill the DLQ.
 *
 * @example
 * const limiter = new UsersApiRateLimiter({ ratePerSecond: 20 });
 * await limiter.acquire();       // before each request
 * limiter.onResponse(429, 2000); // after it: status and Retry-After in ms
 */
export class UsersApiRateLimiter {
  readonly #max: number;
  readonly #min: number;
  readonly #burst: number;
  readonly #defaultPauseMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #rate: number;
  /** Theoretical arrival time of the next slot (GCRA). */
  #tat = 0;
  #pausedUntil = 0;
  readonly stats: UsersApiRateLimiterStats = { requests: 0, rateLimited: 0, waitedMs: 0 };

  constructor(options: UsersApiRateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.#max = options.ratePerSecond;
    this.#min = Math.max(options.ratePerSecond * (options.minFraction ?? 0.1), 0.01);
    this.#burst = Math.max(1, Math.floor(options.burst ?? 1));
    this.#defaultPauseMs = options.defaultPauseMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#rate = this.#max;
  }

  /** The current rate in requests per second (below the ceiling after 429s). */
  get rate(): number {
    return this.#rate;
  }

  /** Waits for a slot. Slots are handed out in call order. */
  async acquire(): Promise<void> {
    const started = this.#now();
    for (;;) {
      const now = this.#now();
      const interval = 1000 / this.#rate;
      const slot = Math.max(this.#tat, now - (this.#burst - 1) * interval, this.#pausedUntil);
      this.#tat = Math.max(this.#tat, slot) + interval;
      if (slot > now) await this.#sleep(slot - now);
      // A 429 seen while this caller slept pauses it too: it takes a fresh slot after the pause, so the callers
      // queued behind the pause go out spaced again rather than all at once.
      if (this.#pausedUntil <= this.#now()) break;
    }
    this.stats.requests++;
    this.stats.waitedMs += this.#now() - started;
  }

  /** Feeds a response back: 429 pauses and slows; anything else lets the rate recover. */
  onResponse(status: number, retryAfterMs?: number): void {
    if (status === 429) {
      this.stats.rateLimited++;
      this.#rate = Math.max(this.#min, this.#rate * 0.75);
      this.pause(retryAfterMs ?? this.#defaultPauseMs);
      return;
    }
    // Additive increase: about a fiftieth of the ceiling per answered request.
    if (this.#rate < this.#max) this.#rate = Math.min(this.#max, this.#rate + this.#max / 50);
  }

  /** Lets nothing through for `ms` (a server's Retry-After). Later slots are pushed back accordingly. */
  pause(ms: number): void {
    const until = this.#now() + Math.max(0, ms);
    if (until > this.#pausedUntil) this.#pausedUntil = until;
    if (this.#tat < this.#pausedUntil) this.#tat = this.#pausedUntil;
  }
}

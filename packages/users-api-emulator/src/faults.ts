import { createHash } from 'node:crypto';
import type { FaultConfig, Operation, RateLimitConfig } from './types';

/**
 * A seeded PRNG (sfc32, state from SHA-256 of the seed): the same seed always gives the same sequence.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // a number in [0, 1), the same one every run
 */
export function seededRandom(seed: number | string): () => number {
  const h = createHash('sha256')
    .update(`users-api-emulator:${String(seed)}`)
    .digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
}

/** What to do to one request. */
export interface FaultDecision {
  /** Added before anything else happens. */
  latencyMs: number;
  /** Never answer (or answer 504 after `hangMs`). */
  hang: boolean;
  hangMs?: number;
  /** Answer with this status instead of the real outcome. */
  status?: 500 | 503 | 429;
  /** For 500/503: apply the request first, then fail (the ambiguous failure). */
  afterApply: boolean;
  retryAfterSeconds: number;
}

/**
 * Decides, per `/v2` request, whether to inject latency, an error, or a hang. Every targeted request consumes exactly
 * four draws (hang, error, latency, after-apply) whatever the outcome, so the same seed and the same sequence of
 * requests always give the same faults. Changing the configuration re-seeds.
 *
 * @example
 * const faults = new FaultInjector({ seed: 7, rates: { '503': 0.5 } });
 * faults.decide('users.create'); // { status: 503, ... } or { status: undefined, ... }, identical on every run
 */
export class FaultInjector {
  #config: FaultConfig | undefined;
  #random: () => number = seededRandom(1);

  constructor(config?: FaultConfig) {
    this.configure(config);
  }

  /** The active configuration (undefined: no faults). */
  get config(): FaultConfig | undefined {
    return this.#config;
  }

  /** Replaces the configuration and restarts the PRNG from its seed. */
  configure(config: FaultConfig | undefined): void {
    this.#config = config && Object.keys(config).length > 0 ? structuredClone(config) : undefined;
    this.#random = seededRandom(config?.seed ?? 1);
  }

  /** The fault for one request, or undefined when none is configured for this operation. */
  decide(operation: Operation): FaultDecision | undefined {
    const config = this.#config;
    if (!config) return undefined;
    if (config.operations && !config.operations.includes(operation)) return undefined;
    const hangDraw = this.#random();
    const errorDraw = this.#random();
    const latencyDraw = this.#random();
    const afterApplyDraw = this.#random();

    const decision: FaultDecision = {
      latencyMs: latency(config.latencyMs, latencyDraw),
      hang: hangDraw < (config.hangRate ?? 0),
      afterApply: false,
      retryAfterSeconds: config.retryAfterSeconds ?? 1,
    };
    if (decision.hang) {
      if (config.hangMs !== undefined) decision.hangMs = config.hangMs;
      return decision;
    }
    const p500 = config.rates?.['500'] ?? 0;
    const p503 = config.rates?.['503'] ?? 0;
    const p429 = config.rates?.['429'] ?? 0;
    if (errorDraw < p500) decision.status = 500;
    else if (errorDraw < p500 + p503) decision.status = 503;
    else if (errorDraw < p500 + p503 + p429) decision.status = 429;
    if (decision.status === 500 || decision.status === 503) {
      decision.afterApply = afterApplyDraw < (config.failAfterApply ?? 0);
    }
    return decision;
  }
}

function latency(spec: FaultConfig['latencyMs'], draw: number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  return spec.min + Math.floor(draw * (spec.max - spec.min + 1));
}

/**
 * The emulator's rate-limit fault: a token bucket per API key, `burst` requests at once, refilled continuously at
 * `requestsPerSecond`; a request finding the bucket empty is answered 429 with the whole seconds until a token is
 * back (the `Retry-After`).
 *
 * @example
 * const rateLimit = new RateLimitFault({ requestsPerSecond: 10, burst: 2 });
 * rateLimit.take('key-1'); // undefined (allowed)
 */
export class RateLimitFault {
  #config: Required<RateLimitConfig> | undefined;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;

  constructor(config?: RateLimitConfig, monotonicNow: () => number = () => performance.now()) {
    this.#now = monotonicNow;
    this.configure(config);
  }

  get config(): RateLimitConfig | undefined {
    return this.#config ? { ...this.#config } : undefined;
  }

  /** Replaces the limit; every bucket starts full again. */
  configure(config: RateLimitConfig | undefined): void {
    this.#buckets.clear();
    this.#config = config
      ? {
          requestsPerSecond: config.requestsPerSecond,
          burst: config.burst ?? Math.max(1, Math.ceil(config.requestsPerSecond)),
        }
      : undefined;
  }

  /** Takes a token for the key: undefined when allowed, else the seconds to wait. */
  take(key: string): number | undefined {
    const config = this.#config;
    if (!config) return undefined;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: config.burst, at: now };
    bucket.tokens = Math.min(config.burst, bucket.tokens + ((now - bucket.at) / 1000) * config.requestsPerSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / config.requestsPerSecond));
  }
}

import {
  Counters,
  CursorCodec,
  decodeUserId,
  encodeGlobalId,
  exampleUsers,
  FaultInjector,
  parseCliArgs,
  RateLimitFault,
  seededRandom,
} from '@idp-sync/users-api-emulator';
import { describe, expect, it } from 'vitest';

describe('ids', () => {
  it('are base64 of User:<n>, canonical only', () => {
    expect(encodeGlobalId('User', 12345)).toBe('VXNlcjoxMjM0NQ==');
    expect(decodeUserId('VXNlcjoxMjM0NQ==')).toBe(12345);
    expect(decodeUserId('VXNlcjoxMjM0NQ')).toBeUndefined();
    expect(decodeUserId(encodeGlobalId('Space', 1))).toBeUndefined();
    expect(decodeUserId(Buffer.from('User:0').toString('base64'))).toBeUndefined();
    expect(decodeUserId(Buffer.from('User:01').toString('base64'))).toBeUndefined();
    expect(decodeUserId('')).toBeUndefined();
  });
});

describe('cursor codec', () => {
  it('round-trips and rejects anything it did not sign', () => {
    const codec = new CursorCodec();
    const filter = codec.filterKey('A@b', ['INVITED', 'ACTIVE']);
    expect(codec.filterKey('a@B', ['ACTIVE', 'INVITED'])).toBe(filter);
    const cursor = codec.encode({ createdAtMs: 5, seq: 9, filter });
    expect(codec.decode(cursor)).toEqual({ createdAtMs: 5, seq: 9, filter });
    expect(new CursorCodec().decode(cursor)).toBeUndefined();
    expect(codec.decode(`${cursor}x`)).toBeUndefined();
    expect(codec.decode('')).toBeUndefined();
    expect(codec.decode('.')).toBeUndefined();
  });
});

describe('seeded PRNG and fault decisions', () => {
  it('repeats its sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });

  it('hits each configured rate roughly as often as asked', () => {
    const faults = new FaultInjector({ seed: 9, rates: { '500': 0.1, '503': 0.2, '429': 0.3 } });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i += 1) {
      const status = String(faults.decide('users.list')?.status ?? 'ok');
      counts[status] = (counts[status] ?? 0) + 1;
    }
    expect(counts['500']! / 10_000).toBeCloseTo(0.1, 1);
    expect(counts['503']! / 10_000).toBeCloseTo(0.2, 1);
    expect(counts['429']! / 10_000).toBeCloseTo(0.3, 1);
  });

  it('draws latency inside [min, max] and re-seeds on configure', () => {
    const faults = new FaultInjector({ seed: 1, latencyMs: { min: 10, max: 20 } });
    const first = Array.from({ length: 50 }, () => faults.decide('users.get')!.latencyMs);
    expect(first.every((l) => l >= 10 && l <= 20)).toBe(true);
    faults.configure({ seed: 1, latencyMs: { min: 10, max: 20 } });
    expect(Array.from({ length: 50 }, () => faults.decide('users.get')!.latencyMs)).toEqual(first);
    expect(new FaultInjector().decide('users.get')).toBeUndefined();
  });
});

describe('RateLimitFault (a token bucket per API key)', () => {
  it('refills at requestsPerSecond up to burst', () => {
    let now = 0;
    const limiter = new RateLimitFault({ requestsPerSecond: 2, burst: 3 }, () => now);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([undefined, undefined, undefined]);
    expect(limiter.take('k')).toBe(1);
    now += 500;
    expect(limiter.take('k')).toBeUndefined();
    expect(limiter.take('k')).toBe(1);
    now += 10_000;
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([
      undefined,
      undefined,
      undefined,
      1,
    ]);
    expect(limiter.take('other')).toBeUndefined();
    expect(new RateLimitFault({ requestsPerSecond: 2.5 }).config).toEqual({ requestsPerSecond: 2.5, burst: 3 });
  });
});

describe('counters', () => {
  it('count per operation and status', () => {
    const counters = new Counters();
    counters.record('users.list', 200);
    counters.record('users.list', 429);
    counters.record('users.list', 200);
    counters.record('users.create', 'hang');
    expect(counters.snapshot()).toEqual({
      total: 4,
      byOperation: {
        'users.create': { total: 1, byStatus: { hang: 1 } },
        'users.list': { total: 3, byStatus: { '200': 2, '429': 1 } },
      },
    });
    counters.reset();
    expect(counters.snapshot()).toEqual({ total: 0, byOperation: {} });
  });
});

describe('command line arguments', () => {
  it('parse into options', () => {
    const { options, quiet, help } = parseCliArgs([
      '--port',
      '0',
      '--api-key',
      'cli-admin-key-1',
      '--api-key',
      'cli-reader-key-1:read-only',
      '--seed',
      '3',
      '--faults',
      '{"rates":{"503":0.1}}',
      '--rate-limit',
      '5:10',
      '--quiet',
    ]);
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      apiKeys: [
        { key: 'cli-admin-key-1', role: 'admin' },
        { key: 'cli-reader-key-1', role: 'read-only' },
      ],
      faults: { rates: { '503': 0.1 } },
      rateLimit: { requestsPerSecond: 5, burst: 10 },
    });
    expect(options.seed).toHaveLength(3);
    expect([quiet, help]).toEqual([true, false]);
    expect(parseCliArgs([]).options).toEqual({ host: '127.0.0.1', port: 4010 });
    expect(parseCliArgs(['-h']).help).toBe(true);
  });

  it('reject bad arguments with a message naming them', () => {
    expect(() => parseCliArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--rate-limit', 'fast'])).toThrow(/--rate-limit/);
    expect(() => parseCliArgs(['--faults', '{nope'])).toThrow(/--faults: not valid JSON/);
    expect(() => parseCliArgs(['--seed', '/nonexistent/file.json'])).toThrow(/--seed: cannot read/);
    expect(() => parseCliArgs(['--bogus'])).toThrow(/bogus/);
  });

  it('example users are deterministic and valid seeds', () => {
    const users = exampleUsers(10, 0);
    expect(users).toEqual(exampleUsers(10, 0));
    expect(new Set(users.map((u) => u.status))).toEqual(new Set(['ACTIVE', 'INVITED', 'EXPIRED']));
  });
});

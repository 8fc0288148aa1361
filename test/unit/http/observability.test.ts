import { ConfigError } from '@idp-sync/common';
import { httpFunctionObservability, observeInvocation } from '@idp-sync/http';
import { createEmfMetrics, createJsonLogger, logLevelFromEnv } from '@idp-sync/http/observability';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');

function sink() {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line), parsed: () => lines.map((l) => JSON.parse(l)) };
}

describe('logLevelFromEnv', () => {
  it('reads POWERTOOLS_LOG_LEVEL, then LOG_LEVEL, then AWS_LAMBDA_LOG_LEVEL, in any case, INFO by default', () => {
    expect(logLevelFromEnv({})).toBe('INFO');
    expect(logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: 'debug', LOG_LEVEL: 'ERROR' })).toBe('DEBUG');
    expect(logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: ' ', LOG_LEVEL: 'warn' })).toBe('WARN');
    expect(logLevelFromEnv({ AWS_LAMBDA_LOG_LEVEL: 'FATAL' })).toBe('ERROR');
    expect(logLevelFromEnv({ LOG_LEVEL: 'trace' })).toBe('DEBUG');
  });

  it('lets Lambda’s own log-level control win over the stack’s POWERTOOLS_LOG_LEVEL, as Powertools does', () => {
    expect(logLevelFromEnv({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG', POWERTOOLS_LOG_LEVEL: 'INFO' })).toBe('DEBUG');
  });

  it('refuses an unknown level at INIT, naming the variable and the choices', () => {
    expect(() => logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: 'verbose' })).toThrow(
      /POWERTOOLS_LOG_LEVEL: must be one of DEBUG, INFO, WARN, ERROR, SILENT/,
    );
  });
});

describe('createJsonLogger', () => {
  it('writes one JSON line per call with level, message, timestamp, service, invocation keys and fields', () => {
    const out = sink();
    const logger = createJsonLogger({ serviceName: 'svc', write: out.write, now: () => NOW });
    logger.setInvocation({ function_request_id: 'r-1', cold_start: true });
    logger.info('webhook accepted', { source: 'hr', queued: 2 }, { durationMs: 5 });
    expect(out.parsed()).toEqual([
      {
        level: 'INFO',
        message: 'webhook accepted',
        timestamp: '2026-11-26T10:00:00.000Z',
        service: 'svc',
        function_request_id: 'r-1',
        cold_start: true,
        source: 'hr',
        queued: 2,
        durationMs: 5,
      },
    ]);
  });

  it('drops lines below its level and says which levels it writes', () => {
    const out = sink();
    const logger = createJsonLogger({ serviceName: 'svc', level: 'WARN', write: out.write });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(out.parsed().map((l) => l.level)).toEqual(['WARN', 'ERROR']);
    expect(logger.isEnabled?.('debug')).toBe(false);
    expect(logger.isEnabled?.('error')).toBe(true);
    const silent = createJsonLogger({ serviceName: 'svc', level: 'SILENT', write: out.write });
    silent.error('nothing');
    expect(out.lines).toHaveLength(2);
  });

  it('never lets a field overwrite the level, message or service (a forged line)', () => {
    const out = sink();
    const logger = createJsonLogger({ serviceName: 'svc', write: out.write });
    logger.warn('real', { level: 'DEBUG', message: 'forged', service: 'other', ok: 1 });
    expect(out.parsed()[0]).toMatchObject({ level: 'WARN', message: 'real', service: 'svc', ok: 1 });
  });

  it('keeps fields named like Object.prototype members', () => {
    const out = sink();
    const logger = createJsonLogger({ serviceName: 'svc', write: out.write });
    logger.info('m', { constructor: 'c', toString: 't', hasOwnProperty: 'h' });
    expect(out.parsed()[0]).toMatchObject({ constructor: 'c', toString: 't', hasOwnProperty: 'h' });
  });

  it('serialises errors and bigints, and survives a circular field', () => {
    const out = sink();
    const logger = createJsonLogger({ serviceName: 'svc', write: out.write });
    logger.error('failed', { error: new TypeError('bad'), n: 10n });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.error('circular', { circular });
    const [first, second] = out.parsed();
    expect(first.error).toMatchObject({ name: 'TypeError', message: 'bad' });
    expect(first.n).toBe('10');
    expect(second).toMatchObject({ level: 'ERROR', message: 'circular', logError: 'fields not serializable' });
  });
});

describe('createEmfMetrics', () => {
  it('sums counts per name and dimensions and writes one EMF document per dimension set', () => {
    const out = sink();
    const metrics = createEmfMetrics({ namespace: 'ns', serviceName: 'svc', write: out.write, now: () => NOW });
    metrics.count('IngestRequests', { source: 'hr', outcome: 'accepted' });
    metrics.count('IngestRequests', { outcome: 'accepted', source: 'hr' });
    metrics.count('CommandsQueued', { source: 'hr', action: 'delete' }, 1000);
    expect(out.lines).toHaveLength(0);
    metrics.flush();
    expect(out.parsed()).toEqual([
      {
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: 'ns',
              Dimensions: [['service', 'outcome', 'source']],
              Metrics: [{ Name: 'IngestRequests', Unit: 'Count' }],
            },
          ],
        },
        service: 'svc',
        outcome: 'accepted',
        source: 'hr',
        IngestRequests: 2,
      },
      {
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: 'ns',
              Dimensions: [['service', 'action', 'source']],
              Metrics: [{ Name: 'CommandsQueued', Unit: 'Count' }],
            },
          ],
        },
        service: 'svc',
        action: 'delete',
        source: 'hr',
        CommandsQueued: 1000,
      },
    ]);
    metrics.flush();
    expect(out.lines).toHaveLength(2);
  });

  it('keeps dimension values printable and short, and the service dimension its own', () => {
    const out = sink();
    const metrics = createEmfMetrics({ namespace: 'ns', serviceName: 'svc', write: out.write });
    metrics.count('EventsIgnored', {
      source: 'okta',
      eventType: `x\u0000${'y'.repeat(300)}`,
      reason: '   ',
      service: 'x',
    });
    metrics.flush();
    const [doc] = out.parsed();
    expect(doc.service).toBe('svc');
    expect(doc.eventType).toMatch(/^x\?y+\.\.\.$/);
    expect(doc.eventType).toHaveLength(128);
    expect(doc.reason).toBe('(empty)');
  });
});

describe('httpFunctionObservability', () => {
  it('takes the service, namespace and level from the POWERTOOLS_* variables, and writes no metrics when disabled', () => {
    const { logger, metrics } = httpFunctionObservability(
      { POWERTOOLS_SERVICE_NAME: 'svc', POWERTOOLS_LOG_LEVEL: 'error', POWERTOOLS_METRICS_DISABLED: 'TRUE' },
      'default',
    );
    expect(logger.level).toBe('ERROR');
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      metrics.count('IngestRequests', { source: 'hr', outcome: 'accepted' });
      metrics.coldStart('fn');
      metrics.flush();
      logger.error('shown');
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] ?? '')).toMatchObject({ level: 'ERROR', service: 'svc', message: 'shown' });
  });
});

describe('observeInvocation', () => {
  const context = { functionName: 'fn', awsRequestId: 'req-1' } as Context;

  it('sets the invocation keys, counts the cold start once, and flushes metrics after success and failure', async () => {
    const logs = sink();
    const emf = sink();
    const logger = createJsonLogger({ serviceName: 'svc', write: logs.write });
    const metrics = createEmfMetrics({ namespace: 'ns', serviceName: 'svc', write: emf.write });
    let fail = false;
    const handler = middy(async () => {
      logger.info('inside');
      metrics.count('IngestRequests', { source: 'hr', outcome: 'accepted' });
      if (fail) throw new Error('boom');
      return 'ok';
    }).use(observeInvocation({ logger, metrics }));

    await expect(handler({}, context)).resolves.toBe('ok');
    fail = true;
    await expect(handler({}, { ...context, awsRequestId: 'req-2' })).rejects.toThrow('boom');

    expect(logs.parsed().map((l) => [l.function_request_id, l.cold_start, l.function_name])).toEqual([
      ['req-1', true, 'fn'],
      ['req-2', false, 'fn'],
    ]);
    const docs = emf.parsed();
    expect(docs.filter((d) => d.ColdStart === 1)).toHaveLength(1);
    expect(docs.filter((d) => d.IngestRequests === 1)).toHaveLength(2);
  });

  it('counts no cold start for an instance initialised ahead of traffic (provisioned concurrency, SnapStart)', async () => {
    const emf = sink();
    const logs = sink();
    const logger = createJsonLogger({ serviceName: 'svc', write: logs.write });
    const metrics = createEmfMetrics({ namespace: 'ns', serviceName: 'svc', write: emf.write });
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'provisioned-concurrency');
    try {
      const handler = middy(async () => {
        logger.info('inside');
        return 'ok';
      }).use(observeInvocation({ logger, metrics }));
      await handler({}, context);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(emf.lines).toHaveLength(0);
    expect(logs.parsed()[0]).toMatchObject({ cold_start: false });
  });
});

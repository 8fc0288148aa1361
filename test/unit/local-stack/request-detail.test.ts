import { REQUEST_DETAIL_MAX_CHARS, rejectionDetail, stackLogLevels } from '@idp-sync/local-stack';
import { describe, expect, it } from 'vitest';

const problem = (status: number, detail: unknown, contentType = 'application/problem+json') => ({
  statusCode: status,
  headers: { 'content-type': contentType },
  body: JSON.stringify({ type: 'urn:idp-sync:problem:x', title: 'T', status, detail }),
});

describe('rejectionDetail (the reason on a request line)', () => {
  it('is the detail of a 4xx problem+json answer', () => {
    expect(rejectionDetail(problem(401, 'no webhook-signature matches the body'))).toBe(
      'no webhook-signature matches the body',
    );
    const base64 = problem(415, 'the body must be application/json');
    expect(
      rejectionDetail({ ...base64, body: Buffer.from(base64.body).toString('base64'), isBase64Encoded: true }),
    ).toBe('the body must be application/json');
  });

  it('is absent for successes, 5xx, other media types (SCIM) and bodies without a string detail', () => {
    expect(rejectionDetail({ statusCode: 202, body: '{"queued":1}' })).toBeUndefined();
    expect(rejectionDetail(problem(500, 'an unexpected error occurred'))).toBeUndefined();
    expect(rejectionDetail(problem(400, 'filter "userName eq x"', 'application/scim+json'))).toBeUndefined();
    expect(rejectionDetail(problem(400, { nested: true }))).toBeUndefined();
    expect(rejectionDetail({ ...problem(400, 'x'), body: 'not json' })).toBeUndefined();
    expect(rejectionDetail('a bare string result')).toBeUndefined();
  });

  it('redacts emails, keeps one line without control characters, and stays short', () => {
    expect(rejectionDetail(problem(400, 'user jane.doe@example.com is \u001b[31mbad\nnow'))).toBe(
      'user j***@example.com is [31mbad now',
    );
    const long = rejectionDetail(problem(400, 'x'.repeat(1000)));
    expect(long).toHaveLength(REQUEST_DETAIL_MAX_CHARS);
    expect(long?.endsWith('…')).toBe(true);
  });
});

describe('stackLogLevels', () => {
  it('keeps the HTTP functions at ERROR and the worker at WARN by default', () => {
    expect(stackLogLevels({}, {})).toEqual({ worker: 'WARN', http: 'ERROR' });
    // What `idp-sync start` passes when no level is set.
    expect(stackLogLevels({ logLevel: 'WARN' }, {})).toEqual({ worker: 'WARN', http: 'ERROR' });
    expect(stackLogLevels({ logLevel: 'DEBUG' }, {})).toEqual({ worker: 'DEBUG', http: 'ERROR' });
    expect(stackLogLevels({ logLevel: 'SILENT' }, {})).toEqual({ worker: 'SILENT', http: 'SILENT' });
    expect(stackLogLevels({ logLevel: 'WARN', httpLogLevel: 'INFO' }, {})).toEqual({ worker: 'WARN', http: 'INFO' });
  });

  it('leaves every handler to the level the user set in the environment', () => {
    for (const name of ['POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', 'AWS_LAMBDA_LOG_LEVEL']) {
      expect(stackLogLevels({ logLevel: 'WARN' }, { [name]: 'INFO' })).toEqual({ worker: undefined, http: undefined });
    }
    expect(stackLogLevels({}, { POWERTOOLS_LOG_LEVEL: ' ' })).toEqual({ worker: 'WARN', http: 'ERROR' });
  });
});

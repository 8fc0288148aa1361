import { looksGenerated, secretFormatProblem, usersApiKeyOf } from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';

/** What `idp-sync doctor` calls a well-formed secret: the format each function reads (never the value in a message). */
describe('doctor: secret formats', () => {
  const whsec = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

  it('HR must be a Standard Webhooks secret, also in the rotation form', () => {
    expect(secretFormatProblem('hr', whsec)).toBeUndefined();
    expect(secretFormatProblem('hr', JSON.stringify({ current: whsec, previous: whsec }))).toBeUndefined();
    expect(secretFormatProblem('hr', 'A'.repeat(48))).toMatch(/whsec_/);
    expect(secretFormatProblem('hr', JSON.stringify({ current: whsec, previous: 'plain' }))).toMatch(/whsec_/);
  });

  it('SCIM needs a token of at least 16 characters; Okta, WorkOS and BambooHR printable values', () => {
    expect(secretFormatProblem('scim', 'short')).toMatch(/at least 16 characters/);
    expect(secretFormatProblem('scim', 'a-long-enough-token')).toBeUndefined();
    expect(secretFormatProblem('okta', 'Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(secretFormatProblem('workos', 'line\nbreak')).toMatch(/printable ASCII/);
    expect(secretFormatProblem('bamboohr', '{"current":')).toMatch(/does not parse/);
  });

  it('the Users API key is the plain key or {"apiKey"}, as the worker reads it', () => {
    expect(usersApiKeyOf('{"apiKey":"ak-123"}')).toBe('ak-123');
    expect(usersApiKeyOf(' ak-123 ')).toBe('ak-123');
    expect(usersApiKeyOf('{"key":"ak-123"}')).toBeUndefined();
    expect(secretFormatProblem('users-api-key', '{"key":"ak-123"}')).toMatch(/holds no key/);
    expect(secretFormatProblem('users-api-key', 'has a space')).toMatch(/without spaces/);
  });

  it('no problem message repeats the value', () => {
    const value = 'hrsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==';
    for (const kind of ['hr', 'scim', 'okta', 'workos', 'bamboohr', 'users-api-key'] as const) {
      expect(secretFormatProblem(kind, `${value}\n`) ?? '').not.toContain(value);
    }
  });

  it('recognises the shape of the value CDK generates (48 letters and digits)', () => {
    expect(looksGenerated('Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6v')).toBe(true);
    expect(looksGenerated(whsec)).toBe(false);
    expect(looksGenerated('Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6')).toBe(false);
  });
});

import { expect } from 'vitest';
import type { ScimStep } from '../../fixtures/scim-reference-sequence';
import type { ScimTestService } from './harness';

/**
 * Runs the steps of a SCIM request/expectation sequence (test/fixtures/scim-reference-sequence.ts) against a service,
 * keeping the ids saved along the way. Bodies are sent as `application/json`, as Microsoft's collection sends them.
 */
export class ScimSequenceRunner {
  readonly ids = new Map<string, string>();

  constructor(
    private readonly scim: ScimTestService,
    private readonly basePath = '/scim/v2',
  ) {}

  /** Replaces `{name}` by the id saved under that name (a name never saved stays as it is). */
  substitute(text: string): string {
    return text.replace(/\{([A-Za-z][\w-]*)\}/g, (whole, name: string) => this.ids.get(name) ?? whole);
  }

  private substituteDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.substitute(value);
    if (Array.isArray(value)) return value.map((item) => this.substituteDeep(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.substituteDeep(item)]));
    }
    return value;
  }

  async run(step: ScimStep): Promise<void> {
    const body =
      step.body === undefined
        ? undefined
        : typeof step.body === 'string'
          ? step.body
          : JSON.stringify(this.substituteDeep(step.body));
    const response = await this.scim.request(step.method, `${this.basePath}${this.substitute(step.path)}`, {
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    const expected = step.expect;
    const text = response.body ?? '';
    expect(response.statusCode, `HTTP status (body: ${text.slice(0, 300)})`).toBe(expected.status);
    if (expected.json) expect(response.json).toMatchObject(this.substituteDeep(expected.json) as object);
    for (const needle of expected.includes ?? []) expect(text).toContain(this.substitute(needle));
    for (const needle of expected.excludes ?? []) expect(text).not.toContain(this.substitute(needle));
    if (expected.saveIdAs) {
      expect(typeof response.json?.id, 'the answer carries an id').toBe('string');
      this.ids.set(expected.saveIdAs, response.json.id);
    }
  }
}

import { parseSecretValue } from '@idp-sync/http';
import { ScimBadRequestError } from '@idp-sync/scim/errors';
import {
  applyPatch,
  type JsonObject,
  normalizeResource,
  projectResource,
  readPatchOperations,
  renderUser,
} from '@idp-sync/scim/protocol';
import type { ScimUserRecord } from '@idp-sync/scim/service';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';

/**
 * Request JSON keyed by `__proto__`, `constructor` or `prototype` must never index or assign into an object the SCIM
 * code did not create for it. These call the PATCH, resource and projection functions directly (the service refuses
 * such bodies before they get here, see test/integration/scim/hostile-json.test.ts): they must be safe on their own,
 * for resources stored before the refusal existed too.
 */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (): JsonObject => ({
  userName: 'kate@contoso.com',
  active: true,
  emails: [{ value: 'kate@contoso.com', type: 'work', primary: true }],
});

/** What the service does with a PATCH body: read, apply, normalise (a refusal is fine, a pollution is not). */
function patchWith(resource: JsonObject, bodyText: string): JsonObject | ScimBadRequestError {
  try {
    return normalizeResource(applyPatch(resource, readPatchOperations(JSON.parse(bodyText))));
  } catch (error) {
    if (error instanceof ScimBadRequestError) return error;
    throw error;
  }
}

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('SCIM PATCH with prototype keys', () => {
  // The payload of the issue: an object keyed by an extension URN (known or unknown) with `__proto__` inside.
  it.each([
    ['the enterprise extension URN', ENTERPRISE],
    ['an unknown extension URN', 'urn:example:params:scim:schemas:extension:acme:2.0:User'],
  ])('a path-less value keyed by %s with __proto__ inside does not reach Object.prototype', (_label, urn) => {
    const body = `{"Operations":[{"op":"add","value":{"${urn}":{"__proto__":{"previous":"attacker","role":"ADMIN"}}}}]}`;
    patchWith(user(), body);
    expect(guard.changes()).toEqual([]);
    expect(({} as Record<string, unknown>).previous).toBeUndefined();
    // The secret every source verifies with still has only its current value.
    expect(parseSecretValue('{"current":"s3cr3t"}')).toEqual({ current: 's3cr3t', previous: undefined });
  });

  it.each([['replace'], ['add']])('%s on URN-keyed constructor/prototype values does not reach a prototype', (op) => {
    const bodies = [
      `{"Operations":[{"op":"${op}","value":{"${ENTERPRISE}":{"constructor":{"prototype":{"polluted":"yes"}}}}}]}`,
      `{"Operations":[{"op":"${op}","value":{"${ENTERPRISE}":{"prototype":{"polluted":"yes"}}}}]}`,
      `{"Operations":[{"op":"${op}","path":"constructor","value":{"prototype":{"polluted":"yes"}}}]}`,
      `{"Operations":[{"op":"${op}","path":"constructor.prototype","value":{"polluted":"yes"}}]}`,
      `{"Operations":[{"op":"${op}","path":"name","value":{"__proto__":{"polluted":"yes"}}}]}`,
      `{"Operations":[{"op":"${op}","value":{"__proto__":{"polluted":"yes"}}}]}`,
      `{"Operations":[{"op":"${op}","value":{"name":{"__proto__":{"polluted":"yes"}}}}]}`,
      `{"Operations":[{"op":"${op}","path":"emails[constructor eq \\"x\\"].prototype","value":"yes"}]}`,
      `{"Operations":[{"op":"${op}","path":"emails[type eq \\"work\\"]","value":{"__proto__":{"polluted":"yes"}}}]}`,
    ];
    for (const body of bodies) {
      patchWith(user(), body);
      expect(guard.changes(), body).toEqual([]);
      expect(({} as Record<string, unknown>).polluted, body).toBeUndefined();
    }
  });

  it('a stored resource that already holds a __proto__ key is patched without reaching Object.prototype', () => {
    // Stored before such keys were refused: JSON.parse gives an own "__proto__" key, as DynamoDB's string holds it.
    const stored = JSON.parse(`{"userName":"kate@contoso.com","${ENTERPRISE}":{"__proto__":{"x":1}}}`) as JsonObject;
    const body = `{"Operations":[{"op":"add","path":"${ENTERPRISE}:department","value":"R&D"},{"op":"replace","value":{"${ENTERPRISE}":{"__proto__":{"polluted":"yes"}}}}]}`;
    patchWith(stored, body);
    expect(guard.changes()).toEqual([]);
  });

  it('normalising a POST/PUT resource keeps such keys as inert data, never as a prototype', () => {
    const resource = JSON.parse(
      `{"userName":"a","__proto__":{"polluted":"yes"},"name":{"__proto__":{"polluted":"yes"}},"${ENTERPRISE}":{"__proto__":{"polluted":"yes"}},"urn:example:2.0:User":{"__proto__":{"polluted":"yes"}}}`,
    ) as JsonObject;
    const normalized = normalizeResource(resource);
    expect(guard.changes()).toEqual([]);
    expect(Object.getPrototypeOf(normalized)).not.toHaveProperty('polluted');
  });

  it('attributes= / excludedAttributes= projections never read through a prototype', () => {
    const record: ScimUserRecord = {
      id: 'id-1',
      userName: 'a',
      resource: JSON.parse(`{"userName":"a","name":{"givenName":"A"}}`) as JsonObject,
      active: true,
      provisioned: false,
      state: 'live',
      created: '2026-01-01T00:00:00.000Z',
      lastModified: '2026-01-01T00:00:00.000Z',
      version: 1,
      outbox: [],
      origin: 'scim',
      pointerKeys: [],
    };
    const rendered = renderUser(record, '/scim/v2');
    const included = projectResource(
      rendered,
      ['constructor', 'name.constructor', 'toString', `${ENTERPRISE}:constructor`],
      undefined,
    );
    expect(Object.keys(included).sort()).toEqual(['id', 'schemas']);
    const excluded = projectResource(rendered, undefined, ['constructor', '__proto__', 'name.constructor']);
    expect(excluded).toEqual(rendered);
    expect(guard.changes()).toEqual([]);
  });
});

import { parseSecretValue } from '@idp-sync/http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../../helpers/scim/harness';

/**
 * Hostile JSON against the SCIM service with a valid bearer token (issue #14): prototype keys anywhere in a body are
 * refused with a SCIM 400 that names where, nothing reaches `Object.prototype`, and bodies nested deeper than 64
 * levels are a 400 `invalidSyntax` instead of a 500.
 */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const UNKNOWN_URN = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let backend: ScimBackend;
let scim: ScimTestService;
let userId: string;
const guard = guardPrototypes();

beforeAll(async () => {
  backend = await startScimBackend();
  scim = await backend.createService();
  const created = await scim.request('POST', '/scim/v2/Users', {
    body: {
      userName: 'kate@contoso.com',
      emails: [{ value: 'kate@contoso.com', type: 'work', primary: true }],
      [ENTERPRISE]: { department: 'Sales' },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  userId = created.json.id;
});
afterEach(() => guard.restore());
afterAll(async () => {
  await backend.stop();
});

/** Sends `text` exactly (JSON.stringify would drop a `__proto__` key of an object literal). */
function send(method: string, path: string, text: string) {
  return scim.request(method, path, { body: text });
}

function expectScimError(
  response: { statusCode: number; json: { scimType?: string; detail?: string } },
  scimType: string,
) {
  expect(response.statusCode).toBe(400);
  expect(response.json.scimType).toBe(scimType);
  return response.json.detail ?? '';
}

describe('SCIM bodies with prototype keys', () => {
  it.each([
    ['the enterprise URN', ENTERPRISE],
    ['an unknown URN', UNKNOWN_URN],
  ])('a PATCH value keyed by %s with __proto__ inside is refused and pollutes nothing', async (_label, urn) => {
    const body = `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":{"${urn}":{"__proto__":{"previous":"attacker-secret","role":"ADMIN","inviteMode":"NONE"}}}}]}`;
    const response = await send('PATCH', `/scim/v2/Users/${userId}`, body);
    const detail = expectScimError(response, 'invalidSyntax');
    expect(detail).toContain(`Operations[0].value["${urn}"].__proto__`);
    expect(detail).toMatch(/reserved/);
    expect(guard.changes()).toEqual([]);
    expect(parseSecretValue('{"current":"okta-secret"}')).toEqual({ current: 'okta-secret', previous: undefined });
    // The user is as it was, and the service still answers.
    const user = await scim.request('GET', `/scim/v2/Users/${userId}`);
    expect(user.statusCode).toBe(200);
    expect(user.json[ENTERPRISE]).toEqual({ department: 'Sales' });
  });

  it.each([
    ['POST', '/scim/v2/Users', `{"userName":"x@contoso.com","name":{"constructor":{"prototype":{"polluted":1}}}}`],
    ['POST', '/scim/v2/Users', `{"userName":"x@contoso.com","__proto__":{"polluted":1}}`],
    ['PUT', '/users/', `{"userName":"kate@contoso.com","${UNKNOWN_URN}":{"tags":[{"prototype":{"polluted":1}}]}}`],
    ['POST', '/scim/v2/Users/.search', `{"filter":"userName eq \\"a\\"","__proto__":{"polluted":1}}`],
    ['PATCH', '/users/', `{"Operations":[{"op":"replace","path":"name","value":{"Constructor":{"polluted":1}}}]}`],
  ])('%s %s with a reserved key anywhere is a 400 that names it', async (method, path, body) => {
    const target = path === '/users/' ? `/scim/v2/Users/${userId}` : path;
    const detail = expectScimError(await send(method, target, body), 'invalidSyntax');
    expect(detail).toMatch(/(__proto__|constructor|Constructor|prototype) is not accepted/);
    expect(guard.changes()).toEqual([]);
  });

  it('a PATCH path or a filter naming a reserved attribute is a 400 that says so', async () => {
    for (const path of [
      'constructor',
      'name.__proto__',
      `${UNKNOWN_URN}:prototype`,
      'emails[constructor eq "x"].value',
    ]) {
      const body = JSON.stringify({ Operations: [{ op: 'add', path, value: { polluted: 1 } }] });
      const detail = expectScimError(await send('PATCH', `/scim/v2/Users/${userId}`, body), 'invalidPath');
      expect(detail, path).toMatch(/is not an attribute name|is not an attribute path/);
    }
    const filter = encodeURIComponent('constructor eq "x"');
    const detail = expectScimError(await scim.request('GET', `/scim/v2/Users?filter=${filter}`), 'invalidFilter');
    expect(detail).toContain('"constructor" is not an attribute name');
    expect(guard.changes()).toEqual([]);
  });
});

describe('SCIM bodies nested too deep', () => {
  const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

  it.each([
    ['PATCH', () => `/scim/v2/Users/${userId}`, `{"Operations":[{"op":"add","path":"x","value":${nested(5000)}}]}`],
    ['POST', () => '/scim/v2/Users', `{"userName":"deep@contoso.com","x":${nested(5000)}}`],
    ['PUT', () => `/scim/v2/Users/${userId}`, `{"userName":"kate@contoso.com","x":${nested(100_000)}}`],
    ['POST', () => '/scim/v2/Users/.search', `{"filter":${nested(5000, '"x"')}}`],
  ])('%s with a body nested 5,000+ deep is a 400 invalidSyntax naming the limit', async (method, path, body) => {
    const detail = expectScimError(await send(method, path(), body), 'invalidSyntax');
    expect(detail).toContain('JSON nested deeper than 64 levels');
  });

  it('a body nested 64 levels deep is accepted', async () => {
    // The body object is level 1, the attribute's outer array level 2: 62 more arrays make 64.
    const body = `{"userName":"deep-ok@contoso.com","x":${nested(63)}}`;
    const response = await send('POST', '/scim/v2/Users', body);
    expect(response.statusCode, response.body).toBe(201);
    const tooDeep = await send('POST', '/scim/v2/Users', `{"userName":"deep-no@contoso.com","x":${nested(64)}}`);
    expect(tooDeep.statusCode).toBe(400);
  });
});

import { ScimBadRequestError } from '@idp-sync/scim/errors';
import { readJsonBody, scimErrorResponse } from '@idp-sync/scim/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimBackend, type ScimTestService, scimRequest, startScimBackend } from '../../helpers/scim/harness';

const EMAIL = 'grace.hopper@contoso.example';
const TOKEN = 'sk_live_0123456789abcdefSECRET';
/** Malformed bodies whose V8 SyntaxError message would quote the personal data or the token (on Node 22). */
const MALFORMED = [
  `not json ${EMAIL}`,
  `{"userName": "${EMAIL}" "password": "${TOKEN}"}`,
  `{'userName': '${EMAIL}'}`,
  `{"userName": "${EMAIL}",}`,
  `${TOKEN}`,
  `{"userName": "${EMAIL}"`,
];

function readError(body: string): ScimBadRequestError {
  try {
    readJsonBody(scimRequest('POST', '/scim/v2/Users', { body }));
  } catch (error) {
    if (error instanceof ScimBadRequestError) return error;
    throw error;
  }
  throw new Error('readJsonBody accepted a malformed body');
}

describe('readJsonBody: a malformed body gets a fixed SCIM 400 that never quotes it', () => {
  it.each(MALFORMED)('%s', (body) => {
    const error = readError(body);
    const response = scimErrorResponse(error);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/scim+json');
    const answer = JSON.parse(response.body);
    expect(answer).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidSyntax',
      detail: expect.stringMatching(/^the request body is not valid JSON( \(at offset \d+\))?: send one JSON object/),
    });
    for (const secret of [EMAIL, 'grace', TOKEN, 'SECRET', 'not json', '"']) {
      expect(answer.detail).not.toContain(secret);
    }
  });

  it('says where the JSON breaks when the parser knows (an offset, nothing of the body)', () => {
    expect(readError('{"userName": "x",}').detail).toBe(
      'the request body is not valid JSON (at offset 17): send one JSON object, with double-quoted names and strings and no trailing commas',
    );
  });

  it('still reads valid JSON (with a byte-order mark) and refuses an empty body with its own message', () => {
    expect(readJsonBody(scimRequest('POST', '/scim/v2/Users', { body: '\uFEFF{"userName":"u"}' }))).toEqual({
      userName: 'u',
    });
    expect(readError('  ').detail).toBe('a JSON request body is required');
  });
});

describe('the SCIM service answers a malformed POST and PATCH without echoing the body', () => {
  let backend: ScimBackend;
  let scim: ScimTestService;
  beforeAll(async () => {
    backend = await startScimBackend();
    scim = await backend.createService();
  });
  afterAll(async () => backend.stop());

  // Unquoted values: V8 would quote the ten characters around the error, i.e. the start of the address or token.
  it.each([
    ['POST', '/scim/v2/Users', `{"userName": ${EMAIL}}`],
    ['POST', '/scim/v2/Users', `{"userName": "u", "password": ${TOKEN}}`],
    ['PATCH', '/scim/v2/Users/some-id', `{"Operations": [{"op": "replace", "value": ${TOKEN}}]}`],
  ])('%s %s %s', async (method, path, body) => {
    const response = await scim.request(method, path, { body });
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidSyntax',
    });
    const logged = JSON.stringify(scim.logs);
    for (const fragment of ['grace', 'sk_live']) {
      expect(response.body).not.toContain(fragment);
      expect(logged).not.toContain(fragment);
    }
    expect(await scim.commands()).toEqual([]);
  });
});

import { deriveEmail, type JsonObject, matchesFilter, parseFilter } from '@idp-sync/scim/protocol';
import { describe, expect, it } from 'vitest';

// Issue #14: Unicode case mapping turns U+212A KELVIN SIGN into an ASCII "k"; SCIM compares userNames and emails
// ignoring the case of ASCII letters only, so a Kelvin-sign user is never taken for kate.
const KELVIN = '\u212Aate@example.com';

const kate: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2441309d-8532-4e77-93ae-bbbbbbbbbbbb',
  userName: 'Kate@Example.com',
  active: true,
  emails: [{ value: 'kate@example.com', type: 'work', primary: true }],
};

describe('SCIM case folding', () => {
  it('a filter for the Kelvin-sign userName or email does not find kate; ASCII case still does', () => {
    expect(matchesFilter(kate, parseFilter(`userName eq "${KELVIN}"`))).toBe(false);
    expect(matchesFilter(kate, parseFilter(`emails[type eq "work"].value eq "${KELVIN}"`))).toBe(false);
    expect(matchesFilter(kate, parseFilter('userName eq "KATE@example.COM"'))).toBe(true);
  });

  it('a Kelvin-sign address is not provisioned as kate@example.com', () => {
    expect(deriveEmail({ userName: 'emp7', emails: [{ value: KELVIN, primary: true }] })).toBeUndefined();
    expect(deriveEmail({ userName: KELVIN })).toBeUndefined();
    expect(deriveEmail({ userName: 'emp7', emails: [{ value: 'Kate@Example.com', primary: true }] })).toBe(
      'kate@example.com',
    );
  });
});

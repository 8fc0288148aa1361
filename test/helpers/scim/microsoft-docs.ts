/**
 * Requests of Microsoft's documented Entra provisioning sequence, built from the public docs:
 * - "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
 *   (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups): User Operations —
 *   Create User, Get User, Get User by query, zero results, Update User [Multi-valued / Single-valued properties],
 *   Disable User, Delete User; Test Connection "queries … a user that doesn't exist, using a random GUID";
 *   Example 1 (`externalId eq jyoung`, unquoted), Example 2 (POST with nulls), Example 5 (Add manager).
 * - "Known issues and resolutions with SCIM 2.0 protocol compliance" (application-provisioning-config-problem-scim-
 *   compatibility): the default requests and the `aadOptscim062020` compliant ones (disable, add a single-value
 *   attribute, replace multiple attributes with a path-less replace).
 */

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Create User — request. */
export const createUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
  active: true,
  emails: [
    {
      primary: true,
      type: 'work',
      value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com',
    },
  ],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
};

/** Update User [Multi-valued properties] — request. */
export const updateMultiValued = {
  schemas: [PATCH_OP],
  Operations: [
    { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
    { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
  ],
};

/** Update User [Single-valued properties] — request. */
export const updateSingleValued = {
  schemas: [PATCH_OP],
  Operations: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }],
};

/** Requests to replace multiple attributes — without the feature flag (default). */
export const replaceMultipleDefault = {
  schemas: [PATCH_OP],
  Operations: [
    { op: 'Replace', path: 'displayName', value: 'Pvlo' },
    { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
    { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
    { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
    { op: 'Replace', path: 'externalId', value: 'Eqpj' },
    { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
  ],
};

/** Requests to replace multiple attributes — with the feature flag (SCIM compliant, path-less replace). */
export const replaceMultipleCompliant = {
  schemas: [PATCH_OP],
  Operations: [
    { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
    {
      op: 'replace',
      value: {
        displayName: 'Bjfe',
        'name.givenName': 'Kkom',
        'name.familyName': 'Unua',
        [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
      },
    },
  ],
};

/** Requests to add a single-value string attribute — default and compliant. */
export const addSingleValueDefault = {
  schemas: [PATCH_OP],
  Operations: [{ op: 'Add', path: 'nickName', value: 'Babs' }],
};
export const addSingleValueCompliant = {
  schemas: [PATCH_OP],
  Operations: [{ op: 'add', path: 'nickName', value: 'Babs' }],
};

/** Requests made to disable users — without the feature flag (string "False") and with it (boolean). */
export const disableDefault = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
export const disableCompliant = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] };

/** Disable User — request as in the tutorial (Operations before schemas, boolean value). */
export const disableTutorial = {
  Operations: [{ op: 'Replace', path: 'active', value: false }],
  schemas: [PATCH_OP],
};

/** Example 2: provision a user (nulls, lower-case email domain in a different case from userName). */
export const provisionJyoung = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
  externalId: 'jyoung',
  userName: 'jyoung@testuser.com',
  active: true,
  addresses: null,
  displayName: 'Joy Young',
  emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
  meta: { resourceType: 'User' },
  name: { familyName: 'Young', givenName: 'Joy' },
  phoneNumbers: null,
  preferredLanguage: null,
  title: null,
  department: null,
  manager: null,
};

/** Example 5: add a manager reference. */
export const addManager = {
  schemas: [PATCH_OP],
  Operations: [
    {
      op: 'Add',
      path: 'manager',
      value: [
        {
          $ref: 'http://example.com/scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
          value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
        },
      ],
    },
  ],
};
